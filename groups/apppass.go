package groups

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strings"
)

// AppPassword is a per-device password of a user, so that a calendar app
// need not hold the main password. The secret is shown once, at creation;
// only its SHA-256 is stored (it is 130 random bits, so a fast hash is safe).
type AppPassword struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Created  int64  `json:"created"`
	LastUsed int64  `json:"last_used"`
	Password string `json:"password,omitempty"` // only in CreateAppPassword's answer
}

func appHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateAppPassword makes a new app password for user email: the user
// themself or an admin.
func (s *Store) CreateAppPassword(ctx context.Context, a Actor, email, name string) (*AppPassword, error) {
	email = strings.ToLower(email)
	if err := mayManageAccount(a, email, "app passwords"); err != nil {
		return nil, err
	}
	if err := checkName(name); err != nil {
		return nil, errorf(ErrInvalid, "name the app password (1 to %d characters on one line)", MaxNameChars)
	}
	raw := make([]byte, 20)
	rand.Read(raw)
	secret := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	ap := &AppPassword{Name: name, Password: secret}
	err := s.write(ctx, func(tx *wtx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO app_passwords (uid, name, hash, created_at, last_used)
			SELECT uid, ?, ?, ?, 0 FROM users WHERE email = ? RETURNING id`, name, appHash(secret), tx.unix(), email).Scan(&ap.ID)
		if errors.Is(err, errNoRows) {
			return errorf(ErrNotFound, "no user %s", email)
		}
		if err != nil {
			return err
		}
		ap.Created = tx.unix()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ap, nil
}

// AppPasswords lists a user's app passwords, without secrets.
func (s *Store) AppPasswords(ctx context.Context, a Actor, email string) ([]AppPassword, error) {
	email = strings.ToLower(email)
	if err := mayManageAccount(a, email, "app passwords"); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT p.id, p.name, p.created_at, p.last_used FROM app_passwords p
		JOIN users u ON u.uid = p.uid WHERE u.email = ? ORDER BY p.id`, email)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AppPassword{}
	for rows.Next() {
		var p AppPassword
		if err := rows.Scan(&p.ID, &p.Name, &p.Created, &p.LastUsed); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// RevokeAppPassword deletes one app password; it stops working at once.
func (s *Store) RevokeAppPassword(ctx context.Context, a Actor, email string, id int64) error {
	email = strings.ToLower(email)
	if err := mayManageAccount(a, email, "app passwords"); err != nil {
		return err
	}
	return s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM app_passwords WHERE id = ?
			AND uid = (SELECT uid FROM users WHERE email = ?)`, id, email)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errorf(ErrNotFound, "no such app password")
		}
		return nil
	})
}

// appPasswordLogin checks secret against email's app passwords.
func (s *Store) appPasswordLogin(ctx context.Context, email, secret string) (*User, error) {
	var id int64
	err := s.rdb.QueryRowContext(ctx, `SELECT p.id FROM app_passwords p JOIN users u ON u.uid = p.uid
		WHERE u.email = ? AND p.hash = ?`, email, appHash(strings.ToLower(strings.ReplaceAll(secret, " ", "")))).Scan(&id)
	if errors.Is(err, errNoRows) {
		return nil, errorf(ErrUnauthenticated, "wrong email or password")
	}
	if err != nil {
		return nil, err
	}
	s.wdb.ExecContext(ctx, `UPDATE app_passwords SET last_used = ? WHERE id = ?`, s.opts.Now().Unix(), id)
	return s.userByEmail(ctx, s.rdb, email)
}
