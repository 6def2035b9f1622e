package groups

import (
	"context"
	"errors"
	"strings"
)

// NoteSpec creates or edits a note; nil keeps the value.
type NoteSpec struct {
	Title *string `json:"title,omitempty"`
	Body  *string `json:"body,omitempty"`
}

func checkNote(spec NoteSpec) error {
	if spec.Title != nil {
		t := *spec.Title
		if strings.TrimSpace(t) == "" || strings.ContainsAny(t, "\n\t") || checkText("title", t, 1, MaxNoteTitleChars) != nil {
			return errorf(ErrInvalid, "title must be 1 to %d characters on one line", MaxNoteTitleChars)
		}
	}
	if spec.Body != nil {
		if len(*spec.Body) > MaxNoteBodyBytes {
			return errorf(ErrTooLarge, "a note's body is at most %d bytes", MaxNoteBodyBytes)
		}
		if err := checkText("body", *spec.Body, 0, MaxNoteBodyBytes); err != nil {
			return err
		}
	}
	return nil
}

// Notes lists a group's notes, newest first. Members only.
func (s *Store) Notes(ctx context.Context, a Actor, id string) ([]Note, error) {
	acc, err := s.Authorize(ctx, a, id, ActRead, FeatureNote)
	if err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT nid, title, body, author, created_at, updated_at
		FROM notes WHERE gid = ? ORDER BY nid DESC`, acc.gid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Note{}
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, err
		}
		n.Editable = mayChangeNote(a, acc.Role, n.Author)
		out = append(out, *n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, withAttachments(ctx, s.rdb, acc.gid, out, 0)
}

type scanner interface{ Scan(...any) error }

func scanNote(r scanner) (*Note, error) {
	var n Note
	var c, u int64
	if err := r.Scan(&n.ID, &n.Title, &n.Body, &n.Author, &c, &u); err != nil {
		return nil, err
	}
	n.Created, n.Updated = unixTime(c), unixTime(u)
	return &n, nil
}

// GetNote reads one note. Members only.
func (s *Store) GetNote(ctx context.Context, a Actor, id string, nid int64) (*Note, error) {
	acc, err := s.Authorize(ctx, a, id, ActRead, FeatureNote)
	if err != nil {
		return nil, err
	}
	n, err := getNote(ctx, s.rdb, acc.gid, nid)
	if err != nil {
		return nil, err
	}
	n.Editable = mayChangeNote(a, acc.Role, n.Author)
	one := []Note{*n}
	if err := withAttachments(ctx, s.rdb, acc.gid, one, nid); err != nil {
		return nil, err
	}
	return &one[0], nil
}

// mayChangeNote: a note is edited and deleted by its author, a master of
// its group or an admin.
func mayChangeNote(a Actor, role, author string) bool {
	return author == a.Email || role == RoleMaster || a.Admin
}

func getNote(ctx context.Context, q querier, gid, nid int64) (*Note, error) {
	n, err := scanNote(q.QueryRowContext(ctx, `SELECT nid, title, body, author, created_at, updated_at
		FROM notes WHERE gid = ? AND nid = ?`, gid, nid))
	if errors.Is(err, errNoRows) {
		return nil, errorf(ErrNotFound, "note not found")
	}
	return n, err
}

// CreateNote adds a note by actor. Members only.
func (s *Store) CreateNote(ctx context.Context, a Actor, id string, spec NoteSpec) (*Note, error) {
	if spec.Title == nil {
		return nil, errorf(ErrInvalid, "title is required")
	}
	if spec.Body == nil {
		spec.Body = new(string)
	}
	if err := checkNote(spec); err != nil {
		return nil, err
	}
	var n *Note
	err := s.write(ctx, func(tx *wtx) error {
		acc, err := s.authorizeQ(ctx, tx, a, id, ActWrite, FeatureNote)
		if err != nil {
			return err
		}
		var nid int64
		err = tx.QueryRowContext(ctx, `INSERT INTO notes (gid, title, body, author, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING nid`, acc.gid, *spec.Title, *spec.Body, a.Email, tx.unix(), tx.unix()).Scan(&nid)
		if err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeData, GroupID: id, Feature: FeatureNote, Ref: nid})
		n, err = getNote(ctx, tx, acc.gid, nid)
		if err == nil {
			n.Attachments = []Attachment{}
		}
		return err
	})
	return n, err
}

// UpdateNote edits a note: its author or a master of the group.
func (s *Store) UpdateNote(ctx context.Context, a Actor, id string, nid int64, spec NoteSpec) (*Note, error) {
	if err := checkNote(spec); err != nil {
		return nil, err
	}
	var n *Note
	err := s.write(ctx, func(tx *wtx) error {
		acc, old, err := s.ownNote(ctx, tx, a, id, nid)
		if err != nil {
			return err
		}
		if spec.Title != nil {
			old.Title = *spec.Title
		}
		if spec.Body != nil {
			old.Body = *spec.Body
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notes SET title = ?, body = ?, updated_at = ? WHERE nid = ?`,
			old.Title, old.Body, tx.unix(), nid); err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeData, GroupID: id, Feature: FeatureNote, Ref: nid})
		if n, err = getNote(ctx, tx, acc.gid, nid); err != nil {
			return err
		}
		one := []Note{*n}
		err = withAttachments(ctx, tx, acc.gid, one, nid)
		n = &one[0]
		return err
	})
	return n, err
}

// DeleteNote removes a note: its author or a master of the group.
func (s *Store) DeleteNote(ctx context.Context, a Actor, id string, nid int64) error {
	return s.write(ctx, func(tx *wtx) error {
		if _, _, err := s.ownNote(ctx, tx, a, id, nid); err != nil {
			return err
		}
		if err := trashAttachments(ctx, tx, "nid = ?", nid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM notes WHERE nid = ?`, nid); err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeData, GroupID: id, Feature: FeatureNote, Ref: nid})
		return nil
	})
}

// ownNote checks that a may change note nid: a member who wrote it, or a
// master (or admin). Its attachments follow the same rule.
func (s *Store) ownNote(ctx context.Context, tx querier, a Actor, id string, nid int64) (*Access, *Note, error) {
	acc, err := s.authorizeQ(ctx, tx, a, id, ActWrite, FeatureNote)
	if err != nil && !(a.Admin && errors.Is(err, ErrDenied)) {
		return nil, nil, err
	}
	if acc == nil { // admin, not a member
		if acc, err = s.authorizeQ(ctx, tx, a, id, ActRead, FeatureNote); err != nil {
			return nil, nil, err
		}
	}
	n, err := getNote(ctx, tx, acc.gid, nid)
	if err != nil {
		return nil, nil, err
	}
	if !mayChangeNote(a, acc.Role, n.Author) {
		return nil, nil, errorf(ErrDenied, "only the note's author or a master may change it")
	}
	return acc, n, nil
}
