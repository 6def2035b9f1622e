package groups

import (
	"context"
	"errors"
	"strings"
)

// errAppPasswordScope refuses account management to an app password
// (issue 16 item 2): it may read and write group data over SMTP, IMAP,
// CalDAV and WebDAV, but not change the account that issued it.
func errAppPasswordScope() error {
	return errorf(ErrDenied, "an app password is for mail, calendar and file apps; "+
		"sign in with your account password to manage your account")
}

// mayManageAccount: the user themself (with the account password) or an
// administrator.
func mayManageAccount(a Actor, email, what string) error {
	if a.AppPassword {
		return errAppPasswordScope()
	}
	if !a.Admin && a.Email != email {
		return errorf(ErrDenied, "only the user or an administrator manages %s", what)
	}
	return nil
}

// PasswordChange asks to change a user's password.
type PasswordChange struct {
	// Current is the user's current password. An administrator resetting
	// another user's password gives none; everyone changing their own does.
	Current string
	New     string
	// RevokeAppPasswords also deletes every app password of the user.
	RevokeAppPasswords bool
	// KeepSession is the console session (its cookie value) that asks,
	// which stays signed in; every other console session ends.
	KeepSession string
}

// ChangePassword sets a user's password. It ends the user's other
// console sessions and tells open IMAP sessions (ChangeSessionsEnded).
func (s *Store) ChangePassword(ctx context.Context, a Actor, email string, pc PasswordChange) error {
	email = strings.ToLower(email)
	if err := mayManageAccount(a, email, "accounts"); err != nil {
		return err
	}
	if err := s.checkPassword(pc.New); err != nil {
		return err
	}
	if err := s.checkCurrentPassword(ctx, a, email, pc.Current); err != nil {
		return err
	}
	hash := hashPassword(pc.New, *s.opts.HashParams)
	err := s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET pw_hash = ?, updated_at = ? WHERE email = ?`,
			hash, tx.unix(), email)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errorf(ErrNotFound, "no user %s", email)
		}
		if pc.RevokeAppPasswords {
			if _, err := tx.ExecContext(ctx, `DELETE FROM app_passwords
				WHERE uid = (SELECT uid FROM users WHERE email = ?)`, email); err != nil {
				return err
			}
		}
		return endSessions(ctx, tx, email, pc.KeepSession)
	})
	if err == nil {
		s.auth.forget(email)
	}
	return err
}

// checkCurrentPassword: changing one's own password needs the current
// one; an administrator resetting someone else's does not.
func (s *Store) checkCurrentPassword(ctx context.Context, a Actor, email, current string) error {
	if a.Admin && a.Email != email {
		return nil
	}
	if current == "" {
		return errorf(ErrInvalid, "give your current password to change it")
	}
	_, err := s.Authenticate(ctx, email, current)
	if errors.Is(err, ErrUnauthenticated) {
		return errorf(ErrDenied, "the current password is wrong")
	}
	return err
}
