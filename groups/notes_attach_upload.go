package groups

import (
	"context"
	"io"
)

// AttachLimits are the bounds of an attachment upload that come from the
// configuration.
type AttachLimits struct {
	// MaxBytes bounds one file (notes.max_attachment_bytes).
	MaxBytes int64
	// DefaultQuota is the quota of a group without its own
	// (dav.folder_quota), as OpenFolder takes it.
	DefaultQuota int64
	// TempDir keeps the bytes until Commit with the fs BlobStore: on the
	// blobs' file system, as for folder uploads.
	TempDir string
}

// AttachmentUpload is a file being added to a note. As a folder Upload,
// its bytes stream into a new blob and become an attachment only once
// complete and durable (Commit), so that a failed, refused or cancelled
// upload leaves the note as it was.
type AttachmentUpload struct {
	s        *Store
	actor    Actor
	id, name string
	nid, gid int64
	lim      AttachLimits
	blob     string
	w        BlobWriter
	size     int64
	room     int64 // bytes left in the group's quota when it began
	complete bool
	done     bool
}

// BeginAttachment starts adding a file named name to note nid: the
// note's author, a master or an admin, while the note has fewer than
// MaxNoteAttachments files.
func (s *Store) BeginAttachment(ctx context.Context, a Actor, id string, nid int64, name string, lim AttachLimits) (*AttachmentUpload, error) {
	acc, err := s.Authorize(ctx, a, id, ActRead, FeatureNote)
	if err != nil {
		return nil, err
	}
	n, err := getNote(ctx, s.rdb, acc.gid, nid)
	if err != nil {
		return nil, err
	}
	if !mayChangeNote(a, acc.Role, n.Author) {
		return nil, errorf(ErrDenied, "only the note's author or a master may change it")
	}
	if err := checkAttachName(name); err != nil {
		return nil, err
	}
	if err := checkAttachCount(ctx, s.rdb, nid); err != nil {
		return nil, err
	}
	used, quota, err := groupUsage(ctx, s.rdb, acc.gid, lim.DefaultQuota)
	if err != nil {
		return nil, err
	}
	blob := newBlobName()
	w, err := s.blobs.Create(ctx, lim.TempDir, blob)
	if err != nil {
		return nil, err
	}
	return &AttachmentUpload{s: s, actor: a, id: id, name: name, nid: nid, gid: acc.gid, lim: lim,
		blob: blob, w: w, room: quota - used}, nil
}

func checkAttachCount(ctx context.Context, q querier, nid int64) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM note_attachments WHERE nid = ?`, nid).Scan(&n); err != nil {
		return err
	}
	if n >= MaxNoteAttachments {
		return errorf(ErrConflict, "a note holds at most %d files; delete one first", MaxNoteAttachments)
	}
	return nil
}

// ReadFrom copies r into the upload until r's end, which marks it
// complete. Past notes.max_attachment_bytes or the quota it stops with
// ErrTooLarge (the quota's with the words QuotaExceeded).
func (u *AttachmentUpload) ReadFrom(r io.Reader) (int64, error) {
	buf := make([]byte, 256<<10)
	var n int64
	for {
		k, rerr := io.ReadFull(r, buf)
		if k > 0 {
			if err := u.write(buf[:k]); err != nil {
				return n, err
			}
			n += int64(k)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			u.complete = true
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

func (u *AttachmentUpload) write(p []byte) error {
	next := u.size + int64(len(p))
	if next > u.lim.MaxBytes {
		return errorf(ErrTooLarge, "%s", attachLimitSentence(u.lim.MaxBytes))
	}
	if next > u.room {
		return errorf(ErrTooLarge, QuotaExceeded)
	}
	k, err := u.w.Write(p)
	u.size += int64(k)
	return err
}

// Abort drops the upload.
func (u *AttachmentUpload) Abort() {
	if !u.done {
		u.done = true
		u.w.Abort()
	}
}

// Commit makes the file an attachment of the note: the blob is made
// durable, an image is checked and given its thumbnail (an image bomb is
// refused with ErrInvalid), then the row is written after the rules are
// checked again in the transaction. ErrIncomplete unless ReadFrom reached
// the end.
func (u *AttachmentUpload) Commit(ctx context.Context) (*Attachment, error) {
	if u.done || !u.complete {
		u.Abort()
		return nil, ErrIncomplete
	}
	defer u.Abort()
	if err := u.w.Commit(ctx); err != nil {
		return nil, err
	}
	s := u.s
	ctx = context.WithoutCancel(ctx) // the blob is there: finish or remove it
	img, err := s.inspectImage(ctx, u.blob, u.lim.TempDir)
	if err != nil {
		s.blobs.Remove(ctx, u.blob)
		return nil, err
	}
	at := &Attachment{Name: u.name, Size: u.size, Inline: img.ok, Author: u.actor.Email,
		HasThumbnail: img.thumb != "", nid: u.nid, blob: u.blob, thumb: img.thumb}
	at.Type = downloadType(u.name)
	if img.ok {
		at.Type = img.typ
	}
	err = s.write(ctx, func(tx *wtx) error { return u.commitTx(ctx, tx, at, img.thumbSize) })
	if err != nil {
		s.blobs.Remove(ctx, u.blob)
		if img.thumb != "" {
			s.blobs.Remove(ctx, img.thumb)
		}
		return nil, err
	}
	return at, nil
}

// commitTx checks the note's edit rule, the count and the quota again
// (another upload may have ended meanwhile) and writes the row.
func (u *AttachmentUpload) commitTx(ctx context.Context, tx *wtx, at *Attachment, thumbSize int64) error {
	acc, _, err := u.s.ownNote(ctx, tx, u.actor, u.id, u.nid)
	if err != nil {
		return err
	}
	if err := checkAttachCount(ctx, tx, u.nid); err != nil {
		return err
	}
	if err := checkGroupQuota(ctx, tx, acc.gid, u.lim.DefaultQuota, at.Size+thumbSize); err != nil {
		return err
	}
	at.Created = tx.now.Truncate(1e9)
	img := 0
	if at.Inline {
		img = 1
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO note_attachments
		(nid, gid, name, type, size, blob, is_image, thumb_blob, thumb_size, author, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING aid`, u.nid, acc.gid, at.Name, at.Type, at.Size,
		at.blob, img, at.thumb, thumbSize, at.Author, tx.unix()).Scan(&at.ID)
	if err != nil {
		return err
	}
	tx.emit(Change{Kind: ChangeData, GroupID: u.id, Feature: FeatureNote, Ref: u.nid})
	return nil
}
