package groups

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of folder paths (SPEC §5: overlong names are refused).
const (
	MaxFileNameBytes = 255  // one path segment
	MaxFilePathBytes = 4096 // the whole path inside a group folder
)

// FileInfo is one entry of a group folder.
type FileInfo struct {
	Path     string // cleaned, no leading or trailing slash; "" is the folder itself
	IsDir    bool
	Size     int64
	ETag     string // quoted, as in an ETag header
	Created  time.Time
	Modified time.Time
	fid      int64
	blob     string // "" for directories and empty files
}

// Name is the last segment of the path ("" for the folder itself).
func (fi *FileInfo) Name() string { return fi.Path[strings.LastIndexByte(fi.Path, '/')+1:] }

// FolderGroup is a group whose folder a user may open.
type FolderGroup struct {
	ID      string
	Name    string
	Created time.Time
}

// Folder is a group's folder opened for one actor: every method acts with
// the rights checked when it was opened. It is meant to live for one
// request; it caches nothing that a later request could see stale.
type Folder struct {
	s        *Store
	actor    Actor
	gid      int64
	id       string
	created  time.Time
	canWrite bool
	// canManage: a master of the group or an admin, who may lock the
	// whole folder and break anyone's lock (issue 16 item 14).
	canManage bool
	defQuota  int64
}

// FolderGroups lists the groups whose folder the actor may open (member,
// folder feature on and not disabled by policy), by id.
func (s *Store) FolderGroups(ctx context.Context, a Actor) ([]FolderGroup, error) {
	pol, err := s.policy(ctx, s.rdb)
	if err != nil {
		return nil, err
	}
	out := []FolderGroup{}
	if pol.disabledSet()[FeatureFolder] {
		return out, nil
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT g.id, g.name, g.created_at FROM groups g
		JOIN memberships m ON m.gid = g.gid JOIN users u ON u.uid = m.uid
		WHERE u.email = ? AND g.f_folder = 1 ORDER BY g.id`, a.Email)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var g FolderGroup
		var c int64
		if err := rows.Scan(&g.ID, &g.Name, &c); err != nil {
			return nil, err
		}
		g.Created = unixTime(c)
		out = append(out, g)
	}
	return out, rows.Err()
}

// OpenFolder opens a group's folder for the actor. Members read and write;
// everyone else — outsiders, removed members, a disabled feature — gets
// ErrNotFound, exactly like a group that does not exist. defaultQuota is
// the quota in bytes of a group without its own (SetFolderQuota).
func (s *Store) OpenFolder(ctx context.Context, a Actor, groupID string, defaultQuota int64) (*Folder, error) {
	f, acc, err := s.loadFacts(ctx, s.rdb, a, groupID)
	if err != nil {
		return nil, hideDenied(err)
	}
	if err := decide(a, f, ActRead, FeatureFolder); err != nil {
		return nil, hideDenied(err)
	}
	fo := &Folder{s: s, actor: a, gid: acc.gid, id: groupID, defQuota: defaultQuota}
	fo.canWrite = decide(a, f, ActWrite, FeatureFolder) == nil
	fo.canManage = decide(a, f, ActManage, FeatureFolder) == nil
	var c int64
	if err := s.rdb.QueryRowContext(ctx, `SELECT created_at FROM groups WHERE gid = ?`, acc.gid).Scan(&c); err != nil {
		return nil, err
	}
	fo.created = unixTime(c)
	return fo, nil
}

func hideDenied(err error) error {
	if errors.Is(err, ErrDenied) || errors.Is(err, ErrNotFound) {
		return errGroupNotFound()
	}
	return err
}

// GroupID is the id of the folder's group.
func (f *Folder) GroupID() string { return f.id }

// CanWrite reports whether the actor may change the folder.
func (f *Folder) CanWrite() bool { return f.canWrite }

func (f *Folder) checkWrite() error {
	if !f.canWrite {
		return errorf(ErrDenied, "you may not change this folder")
	}
	return nil
}

// CheckFilePath reports whether p is a clean folder path: segments of 1 to
// MaxFileNameBytes bytes of UTF-8 without NUL, control characters or
// slashes, never "." or "..", at most MaxFilePathBytes in all.
func CheckFilePath(p string) error {
	if p == "" {
		return nil
	}
	if len(p) > MaxFilePathBytes {
		return errorf(ErrTooLarge, "a path is at most %d bytes", MaxFilePathBytes)
	}
	if !utf8.ValidString(p) {
		return errorf(ErrInvalid, "a path must be UTF-8")
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return errorf(ErrInvalid, "a path may not contain empty, . or .. segments")
		}
		if len(seg) > MaxFileNameBytes {
			return errorf(ErrTooLarge, "a file name is at most %d bytes", MaxFileNameBytes)
		}
		for _, r := range seg {
			if r < 0x20 || r == 0x7f {
				return errorf(ErrInvalid, "a file name may not contain control characters")
			}
		}
	}
	return nil
}

// parentPath is the folder path of p's parent ("" for top-level entries).
func parentPath(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// subtree gives the bounds of the paths strictly under p: every such path
// q has lo <= q < hi ('0' is the byte after '/'; paths never start with a
// byte below ' ' and UTF-8 never holds 0xff).
func subtree(p string) (lo, hi string) {
	if p == "" {
		return " ", "\xff"
	}
	return p + "/", p + "0"
}

func newETag() string {
	var b [10]byte
	rand.Read(b[:])
	return `"` + hex.EncodeToString(b[:]) + `"`
}

func newBlobName() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
