package groups

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// Lock is a WebDAV write lock on a folder path (RFC 4918 §6).
type Lock struct {
	Token    string // urn:uuid:...
	Path     string // the lock root
	Shared   bool
	Infinite bool // Depth: infinity; else depth 0
	OwnerXML string
	Creator  string // email
	Timeout  time.Duration
	Expires  time.Time
}

// MaxLockTimeout caps a lock's timeout: a lock lives at most an hour
// unless its holder refreshes it (RFC 4918 §6.6, §9.10.2), so a member
// cannot hold the group's files for a week (issue 16 item 14).
const MaxLockTimeout = time.Hour

// Covers reports whether the lock applies to path p (§6.1: a depth
// infinity lock covers every member of its collection).
func (l *Lock) Covers(p string) bool {
	return l.Path == p || (l.Infinite && (l.Path == "" || strings.HasPrefix(p, l.Path+"/")))
}

// conflicts reports whether holding l and m at once breaks §6.1: an
// exclusive lock shares its resources with no other lock.
func (l *Lock) conflicts(m *Lock) bool {
	overlap := l.Covers(m.Path) || m.Covers(l.Path)
	return overlap && !(l.Shared && m.Shared)
}

func newLockToken() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Locks lists the folder's active locks: not expired, and held by someone
// still a member (a removed member's locks stop counting at once).
func (f *Folder) Locks(ctx context.Context) ([]Lock, error) {
	return f.locks(ctx, f.s.rdb, f.s.opts.Now().Unix())
}

func (f *Folder) locks(ctx context.Context, q querier, now int64) ([]Lock, error) {
	rows, err := q.QueryContext(ctx, `SELECT l.token, l.path, l.shared, l.infinite, l.owner_xml,
		l.creator, l.timeout, l.expires FROM file_locks l
		WHERE l.gid = ? AND l.expires > ? AND EXISTS (SELECT 1 FROM memberships m
			JOIN users u ON u.uid = m.uid WHERE m.gid = l.gid AND u.email = l.creator)
		ORDER BY l.path, l.token`, f.gid, now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Lock
	for rows.Next() {
		var l Lock
		var t, e int64
		if err := rows.Scan(&l.Token, &l.Path, &l.Shared, &l.Infinite, &l.OwnerXML, &l.Creator, &t, &e); err != nil {
			return nil, err
		}
		l.Timeout, l.Expires = time.Duration(t)*time.Second, unixTime(e)
		out = append(out, l)
	}
	return out, rows.Err()
}

// CreateLock locks l.Path for the actor (RFC 4918 §9.10). A path that does
// not exist becomes an empty file (§7.3; created is true). ErrConflict
// means a conflicting lock is held; ErrNotFound that the parent is
// missing.
func (f *Folder) CreateLock(ctx context.Context, l Lock) (lk *Lock, created bool, err error) {
	if err := f.checkWrite(); err != nil {
		return nil, false, err
	}
	if err := CheckNewFilePath(l.Path); err != nil {
		return nil, false, err
	}
	if l.Path == "" && l.Infinite && !f.canManage {
		return nil, false, errorf(ErrDenied, "only masters of the group may lock its whole folder; lock the files you are working on instead")
	}
	l.Token, l.Creator = newLockToken(), f.actor.Email
	l.Timeout = lockTimeout(l.Timeout)
	err = f.s.write(ctx, func(tx *wtx) error {
		l.Expires = tx.now.Add(l.Timeout)
		if err := f.ensureRoot(ctx, tx); err != nil {
			return err
		}
		held, err := f.locks(ctx, tx, tx.unix())
		if err != nil {
			return err
		}
		for i := range held {
			if held[i].conflicts(&l) {
				return errorf(ErrConflict, "%s is locked", l.Path)
			}
		}
		if created, err = f.lockNull(ctx, tx, l.Path); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO file_locks (token, gid, path, shared, infinite,
			owner_xml, creator, timeout, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.Token, f.gid, l.Path, l.Shared, l.Infinite, l.OwnerXML, l.Creator,
			int64(l.Timeout/time.Second), l.Expires.Unix())
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return &l, created, nil
}

// lockNull creates an empty file at p when nothing is there.
func (f *Folder) lockNull(ctx context.Context, tx *wtx, p string) (bool, error) {
	if _, err := f.stat(ctx, tx, p); err == nil || !isNotFound(err) {
		return false, err
	}
	if err := f.parentDir(ctx, tx, p); err != nil {
		return false, err
	}
	if err := f.checkQuota(ctx, tx, FolderEntryBytes); err != nil {
		return false, err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO files (gid, path, is_dir, size, blob, etag, created, modified)
		VALUES (?, ?, 0, 0, '', ?, ?, ?)`, f.gid, p, newETag(), tx.unix(), tx.unix())
	if err != nil {
		return false, err
	}
	return true, f.touch(ctx, tx, f.gid, parentPath(p))
}

// lockTimeout is d capped to MaxLockTimeout; zero or less is the cap.
func lockTimeout(d time.Duration) time.Duration {
	if d <= 0 || d > MaxLockTimeout {
		return MaxLockTimeout
	}
	return d
}

// lockByToken reads an active lock of the folder; ErrNotFound when there
// is none, ErrDenied when another user holds it, unless breaking is set
// and the actor may break locks (a master or an admin).
func (f *Folder) lockByToken(ctx context.Context, tx *wtx, token string, breaking bool) (*Lock, error) {
	held, err := f.locks(ctx, tx, tx.unix())
	if err != nil {
		return nil, err
	}
	for i := range held {
		if held[i].Token == token {
			if held[i].Creator != f.actor.Email && !(breaking && f.canManage) {
				return nil, errorf(ErrDenied, "that lock belongs to someone else")
			}
			return &held[i], nil
		}
	}
	return nil, errorf(ErrNotFound, "no such lock")
}

// RefreshLock restarts the timeout of the actor's lock (§9.10.2).
func (f *Folder) RefreshLock(ctx context.Context, token string, timeout time.Duration) (*Lock, error) {
	var out *Lock
	err := f.s.write(ctx, func(tx *wtx) error {
		l, err := f.lockByToken(ctx, tx, token, false)
		if err != nil {
			return err
		}
		timeout = lockTimeout(timeout)
		l.Timeout, l.Expires = timeout, tx.now.Add(timeout)
		out = l
		_, err = tx.ExecContext(ctx, `UPDATE file_locks SET timeout = ?, expires = ? WHERE token = ?`,
			int64(timeout/time.Second), l.Expires.Unix(), token)
		return err
	})
	return out, err
}

// Unlock removes the actor's lock with the token, which must cover p
// (§9.11): ErrConflict when it does not, ErrNotFound when there is none.
// A master or an admin may remove anyone's lock in the group's folder,
// its token read from lockdiscovery (§6.3 leaves breaking to policy).
func (f *Folder) Unlock(ctx context.Context, token, p string) error {
	return f.s.write(ctx, func(tx *wtx) error {
		l, err := f.lockByToken(ctx, tx, token, true)
		if err != nil {
			return err
		}
		if !l.Covers(p) {
			return errorf(ErrConflict, "that lock does not cover %s", p)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM file_locks WHERE token = ? OR expires <= ?`, token, tx.unix())
		return err
	})
}
