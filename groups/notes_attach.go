package groups

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"time"
)

// Note attachments (issue 13): the photos and files of a note. Their
// bytes are blobs of the BlobStore, like folder files; they count toward
// the group's quota, and leave with their note, a purge of notes or the
// group. Reading follows the note's read rule (GetNote), adding and
// deleting its edit rule (mayChangeNote).

// MaxNoteAttachments bounds the files of one note.
const MaxNoteAttachments = 20

// Attachment is a file of a note.
type Attachment struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Type is the Content-Type the file is served with: the image's own
	// for an image that decodes, else a type that no browser runs.
	Type string `json:"type"`
	Size int64  `json:"size"`
	// Inline: a PNG, JPEG, GIF or WebP image that decodes as such, shown
	// in the page; everything else is served as a download.
	Inline bool `json:"inline"`
	// URL and ThumbnailURL are where the protocol serving the note
	// (the API) offers the file and its thumbnail (nil: none); the
	// store leaves them empty.
	URL          string    `json:"url"`
	ThumbnailURL *string   `json:"thumbnail_url"`
	Author       string    `json:"author"`
	Created      time.Time `json:"created"`
	// HasThumbnail: a thumbnail (JPEG, at most ThumbWidth wide) exists.
	HasThumbnail bool `json:"-"`
	nid          int64
	blob, thumb  string
}

const attachCols = `aid, nid, name, type, size, is_image, blob, thumb_blob, author, created_at`

func scanAttachment(r scanner) (*Attachment, error) {
	var at Attachment
	var img, c int64
	if err := r.Scan(&at.ID, &at.nid, &at.Name, &at.Type, &at.Size, &img, &at.blob, &at.thumb, &at.Author, &c); err != nil {
		return nil, err
	}
	at.Inline, at.HasThumbnail, at.Created = img == 1, at.thumb != "", unixTime(c)
	return &at, nil
}

// attachmentsOf gives the attachments of the group's notes by note, in
// the order they were added; nid 0 means every note of the group.
func attachmentsOf(ctx context.Context, q querier, gid, nid int64) (map[int64][]Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+attachCols+` FROM note_attachments
		WHERE gid = ? AND (nid = ? OR ? = 0) ORDER BY nid, aid`, gid, nid, nid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]Attachment{}
	for rows.Next() {
		at, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out[at.nid] = append(out[at.nid], *at)
	}
	return out, rows.Err()
}

// withAttachments fills the notes' Attachments (never nil).
func withAttachments(ctx context.Context, q querier, gid int64, notes []Note, nid int64) error {
	by, err := attachmentsOf(ctx, q, gid, nid)
	if err != nil {
		return err
	}
	for i := range notes {
		notes[i].Attachments = by[notes[i].ID]
		if notes[i].Attachments == nil {
			notes[i].Attachments = []Attachment{}
		}
	}
	return nil
}

func getAttachment(ctx context.Context, q querier, gid, nid, aid int64) (*Attachment, error) {
	at, err := scanAttachment(q.QueryRowContext(ctx, `SELECT `+attachCols+` FROM note_attachments
		WHERE gid = ? AND nid = ? AND aid = ?`, gid, nid, aid))
	if errors.Is(err, errNoRows) {
		return nil, errorf(ErrNotFound, "attachment not found")
	}
	return at, err
}

// OpenAttachment opens a file of a note, or its thumbnail, for whoever
// may read the note: a private group answers an outsider as a missing
// one. The caller closes the reader.
func (s *Store) OpenAttachment(ctx context.Context, a Actor, id string, nid, aid int64, thumb bool) (*Attachment, io.ReadSeekCloser, error) {
	acc, err := s.Authorize(ctx, a, id, ActRead, FeatureNote)
	if err != nil {
		return nil, nil, err
	}
	if _, err := getNote(ctx, s.rdb, acc.gid, nid); err != nil {
		return nil, nil, err
	}
	at, err := getAttachment(ctx, s.rdb, acc.gid, nid, aid)
	if err != nil {
		return nil, nil, err
	}
	name := at.blob
	if thumb {
		if !at.HasThumbnail {
			return nil, nil, errorf(ErrNotFound, "this attachment has no thumbnail")
		}
		name = at.thumb
	}
	r, err := s.blobs.Open(ctx, name)
	if errors.Is(err, ErrBlobGone) { // deleted since the row was read
		return nil, nil, errorf(ErrNotFound, "attachment not found")
	}
	return at, r, err
}

// DeleteAttachment removes a file of a note: the note's author, a master
// or an admin. Its blobs leave after the commit.
func (s *Store) DeleteAttachment(ctx context.Context, a Actor, id string, nid, aid int64) error {
	return s.write(ctx, func(tx *wtx) error {
		acc, _, err := s.ownNote(ctx, tx, a, id, nid)
		if err != nil {
			return err
		}
		if _, err := getAttachment(ctx, tx, acc.gid, nid, aid); err != nil {
			return err
		}
		if err := trashAttachments(ctx, tx, "aid = ?", aid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM note_attachments WHERE aid = ?`, aid); err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeData, GroupID: id, Feature: FeatureNote, Ref: nid})
		return nil
	})
}

// trashAttachments records the blobs (files and thumbnails) of the
// attachments that where selects for removal after the commit; the
// caller then deletes their rows (or their note, or group).
func trashAttachments(ctx context.Context, tx *wtx, where string, args ...any) error {
	for _, col := range []string{"blob", "thumb_blob"} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO blob_trash (blob) SELECT `+col+`
			FROM note_attachments WHERE `+where+` AND `+col+` <> '' ON CONFLICT DO NOTHING`, args...); err != nil {
			return err
		}
	}
	tx.trash = append(tx.trash, "note attachments")
	return nil
}

// checkAttachName: one file name, as a folder's (CheckNewFilePath), of
// a single segment.
func checkAttachName(name string) error {
	if name == "" || strings.Contains(name, "/") {
		return errorf(ErrInvalid, "a file needs a name without slashes")
	}
	return CheckNewFilePath(name)
}

// downloadType is the Content-Type of a file that is no image shown
// inline: the type its name says when that type is one browsers only
// save or hand to another program, else application/octet-stream, so
// that HTML, SVG, XML or script is never served with its own type.
func downloadType(name string) string {
	t := mime.TypeByExtension(strings.ToLower(path.Ext(name)))
	mt, _, err := mime.ParseMediaType(t)
	if err != nil {
		return "application/octet-stream"
	}
	switch {
	case mt == "application/pdf", mt == "application/zip", mt == "text/plain", mt == "text/csv",
		mt == "application/msword", strings.HasPrefix(mt, "application/vnd.ms-"),
		strings.HasPrefix(mt, "application/vnd.openxmlformats-officedocument."),
		strings.HasPrefix(mt, "application/vnd.oasis.opendocument."),
		strings.HasPrefix(mt, "audio/"), strings.HasPrefix(mt, "video/"):
		return mt
	}
	return "application/octet-stream"
}

// attachLimitSentence says why a file is too large for a note.
func attachLimitSentence(max int64) string {
	return fmt.Sprintf("a file on a note is at most %s", sizeWords(max))
}

// sizeWords writes n bytes for a person: MiB, KiB or bytes.
func sizeWords(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
