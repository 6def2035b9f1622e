package groups

import (
	"context"
	"errors"
	"strings"
)

// UserSpec creates or edits a user; nil keeps the value.
type UserSpec struct {
	Email    *string `json:"email,omitempty"`
	Name     *string `json:"name,omitempty"`
	Password *string `json:"password,omitempty"`
	// CurrentPassword is needed to change one's own password.
	CurrentPassword *string `json:"current_password,omitempty"`
	Admin           *bool   `json:"admin,omitempty"`
}

func (s *Store) checkPassword(pw string) error {
	if len(pw) < MinPasswordLength || len(pw) > 1024 {
		return errorf(ErrInvalid, "password must be %d to 1024 bytes long", MinPasswordLength)
	}
	return nil
}

// CreateUser adds an account. Admin only.
func (s *Store) CreateUser(ctx context.Context, a Actor, spec UserSpec) (*User, error) {
	if !a.Admin {
		return nil, errorf(ErrDenied, "only administrators manage accounts")
	}
	if spec.Email == nil || spec.Name == nil || spec.Password == nil {
		return nil, errorf(ErrInvalid, "email, name and password are required")
	}
	email, err := normEmail("email", *spec.Email)
	if err != nil {
		return nil, err
	}
	if err := checkText("name", *spec.Name, 1, MaxNameChars); err != nil {
		return nil, err
	}
	if err := s.checkPassword(*spec.Password); err != nil {
		return nil, err
	}
	hash := hashPassword(*spec.Password, *s.opts.HashParams)
	admin := spec.Admin != nil && *spec.Admin
	err = s.write(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, pw_hash, admin, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, email, *spec.Name, hash, admin, tx.unix(), tx.unix())
		if tx.isUnique(err) {
			return errorf(ErrConflict, "a user %s already exists", email)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.GetUser(ctx, a, email)
}

// GetUser reads an account. Admins read any; a user reads themself.
func (s *Store) GetUser(ctx context.Context, a Actor, email string) (*User, error) {
	email = strings.ToLower(email)
	if !a.Admin && a.Email != email {
		return nil, errorf(ErrDenied, "only administrators read other accounts")
	}
	return s.userByEmail(ctx, s.rdb, email)
}

func (s *Store) userByEmail(ctx context.Context, q querier, email string) (*User, error) {
	var uid, created int64
	var addr, name string
	var admin bool
	err := q.QueryRowContext(ctx, `SELECT uid, email, name, admin, created_at FROM users WHERE email = ?`,
		strings.ToLower(email)).Scan(&uid, &addr, &name, &admin, &created)
	if errors.Is(err, errNoRows) {
		return nil, errorf(ErrNotFound, "no user %s", email)
	}
	if err != nil {
		return nil, err
	}
	return s.userFromRow(uid, addr, name, admin, created), nil
}

// userFromRow is the User of a users row (uid, email, name, admin,
// created_at).
func (s *Store) userFromRow(uid int64, email, name string, admin bool, created int64) *User {
	return &User{uid: uid, Email: email, Name: name, Admin: admin, Created: unixTime(created), External: !s.IsInternal(email)}
}

// ListUsers lists accounts in email order. Admin only.
func (s *Store) ListUsers(ctx context.Context, a Actor, limit, offset int) ([]User, error) {
	if !a.Admin {
		return nil, errorf(ErrDenied, "only administrators list accounts")
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT email, name, admin, created_at FROM users
		ORDER BY email LIMIT ? OFFSET ?`, clampLimit(limit), max(offset, 0))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		var u User
		var created int64
		if err := rows.Scan(&u.Email, &u.Name, &u.Admin, &created); err != nil {
			return nil, err
		}
		u.Created = unixTime(created)
		u.External = !s.IsInternal(u.Email)
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser edits an account. Admins edit any; users change their own
// name and password but not the admin flag. A password change goes
// through ChangePassword: it needs CurrentPassword (unless an admin
// resets another's) and ends the user's console sessions.
func (s *Store) UpdateUser(ctx context.Context, a Actor, email string, spec UserSpec) (*User, error) {
	email = strings.ToLower(email)
	if a.AppPassword {
		return nil, errAppPasswordScope()
	}
	if !a.Admin && (a.Email != email || spec.Admin != nil) {
		return nil, errorf(ErrDenied, "only administrators edit other accounts or the admin flag")
	}
	if spec.Email != nil && strings.ToLower(*spec.Email) != email {
		return nil, errorf(ErrInvalid, "an account's email cannot change")
	}
	if spec.Name != nil {
		if err := checkText("name", *spec.Name, 1, MaxNameChars); err != nil {
			return nil, err
		}
	}
	if spec.Password != nil {
		var cur string
		if spec.CurrentPassword != nil {
			cur = *spec.CurrentPassword
		}
		err := s.ChangePassword(ctx, a, email, PasswordChange{Current: cur, New: *spec.Password})
		if err != nil {
			return nil, err
		}
	}
	err := s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET
			name = COALESCE(?, name), admin = COALESCE(?, admin), updated_at = ?
			WHERE email = ?`, spec.Name, spec.Admin, tx.unix(), email)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errorf(ErrNotFound, "no user %s", email)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.userByEmail(ctx, s.rdb, email)
}

// DeleteUser removes an account and its memberships. What the user posted
// stays. The last master of a group cannot be deleted (ErrConflict).
func (s *Store) DeleteUser(ctx context.Context, a Actor, email string) error {
	if !a.Admin || a.AppPassword {
		return errorf(ErrDenied, "only administrators delete accounts")
	}
	email = strings.ToLower(email)
	err := s.write(ctx, func(tx *wtx) error {
		var uid int64
		err := tx.QueryRowContext(ctx, `SELECT uid FROM users WHERE email = ?`, email).Scan(&uid)
		if errors.Is(err, errNoRows) {
			return errorf(ErrNotFound, "no user %s", email)
		}
		if err != nil {
			return err
		}
		var sole string
		err = tx.QueryRowContext(ctx, `SELECT g.id FROM memberships m JOIN groups g ON g.gid = m.gid
			WHERE m.uid = ? AND m.role = 'master' AND NOT EXISTS (
			  SELECT 1 FROM memberships o WHERE o.gid = m.gid AND o.role = 'master' AND o.uid <> m.uid)
			LIMIT 1`, uid).Scan(&sole)
		if err == nil {
			return errorf(ErrConflict, "%s is the last master of group %s; make someone else master first", email, sole)
		}
		if !errors.Is(err, errNoRows) {
			return err
		}
		if err := emitMembershipsGone(ctx, tx, uid, email); err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeSessionsEnded, User: email})
		_, err = tx.ExecContext(ctx, `DELETE FROM users WHERE uid = ?`, uid)
		return err
	})
	if err == nil {
		s.auth.forget(email)
	}
	return err
}

func emitMembershipsGone(ctx context.Context, tx *wtx, uid int64, email string) error {
	rows, err := tx.QueryContext(ctx, `SELECT g.id FROM memberships m JOIN groups g ON g.gid = m.gid WHERE m.uid = ?`, uid)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeMemberRemoved, GroupID: id, User: email})
	}
	return rows.Err()
}

// Authenticate checks an email and password and returns the user, or
// ErrUnauthenticated. Throttling is the caller's (the auth service's).
func (s *Store) Authenticate(ctx context.Context, email, password string) (*User, error) {
	return s.authenticate(ctx, email, password, loginRead{})
}

// authenticate is Authenticate; when the login cache answers and read
// holds the account row (Login read it already, readLogin), it takes
// that row rather than reading it again.
func (s *Store) authenticate(ctx context.Context, email, password string, read loginRead) (*User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.opts.Now()
	hit := s.auth.hit(email, password, now)
	if hit && read.ok {
		if read.user == nil {
			s.auth.forget(email)
			return nil, errorf(ErrUnauthenticated, "wrong email or password")
		}
		return read.user, nil
	}
	if !hit {
		ok, err := s.auth.shared(email, password, func() (bool, error) {
			var hash string
			// Others may wait for this answer: their requests must not
			// fail because this one's was cancelled.
			ctx := context.WithoutCancel(ctx)
			err := s.rdb.QueryRowContext(ctx, `SELECT pw_hash FROM users WHERE email = ?`, email).Scan(&hash)
			if err != nil && !errors.Is(err, errNoRows) {
				return false, err
			}
			if err != nil {
				// Spend the same time as a real check so that timing does
				// not tell which accounts exist.
				checkPassword(password, s.dummyHash())
				return false, nil
			}
			return checkPassword(password, hash), nil
		})
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errorf(ErrUnauthenticated, "wrong email or password")
		}
		s.auth.add(email, password, now)
	}
	u, err := s.userByEmail(ctx, s.rdb, email)
	if errors.Is(err, ErrNotFound) {
		s.auth.forget(email)
		return nil, errorf(ErrUnauthenticated, "wrong email or password")
	}
	return u, err
}

func (s *Store) dummyHash() string {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	if s.auth.dummy == "" {
		s.auth.dummy = hashPassword("not a password", *s.opts.HashParams)
	}
	return s.auth.dummy
}
