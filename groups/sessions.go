package groups

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"
)

// Session is a signed-in web console session.
type Session struct {
	User    *User
	CSRF    string    // the anti-forgery token of this session's forms
	Created time.Time // sign-in time
	Seen    time.Time // last request, to a minute
}

// SessionLimits bound a session's life: Idle since its last request and
// Absolute since sign-in. Zero means the default (2 h idle, 7 days).
type SessionLimits struct {
	Idle     time.Duration
	Absolute time.Duration
}

func (l SessionLimits) filled() SessionLimits {
	if l.Idle <= 0 {
		l.Idle = 2 * time.Hour
	}
	if l.Absolute <= 0 {
		l.Absolute = 7 * 24 * time.Hour
	}
	return l
}

// randomToken is 256 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a console session for u, who has just signed in
// with their account password (never an app password: see LoginRequest).
// It returns the cookie value; the store keeps only its hash.
func (s *Store) CreateSession(ctx context.Context, u *User) (string, error) {
	token := randomToken()
	err := s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO web_sessions (id, uid, csrf, created_at, seen_at)
			SELECT ?, uid, ?, ?, ? FROM users WHERE email = ?`,
			sessionKey(token), randomToken(), tx.unix(), tx.unix(), u.Email)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errorf(ErrUnauthenticated, "no user %s", u.Email)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// SessionByToken returns the live session of a cookie value, or
// ErrUnauthenticated when there is none or it has expired (an expired
// session is deleted). The last-seen time is written at most once a
// minute, so that reading pages costs no write.
func (s *Store) SessionByToken(ctx context.Context, token string, lim SessionLimits) (*Session, error) {
	if token == "" || len(token) > 100 {
		return nil, errorf(ErrUnauthenticated, "sign in")
	}
	lim = lim.filled()
	key := sessionKey(token)
	var email, csrf string
	var created, seen int64
	err := s.rdb.QueryRowContext(ctx, `SELECT u.email, w.csrf, w.created_at, w.seen_at
		FROM web_sessions w JOIN users u ON u.uid = w.uid WHERE w.id = ?`, key).Scan(&email, &csrf, &created, &seen)
	if errors.Is(err, errNoRows) {
		return nil, errorf(ErrUnauthenticated, "sign in")
	}
	if err != nil {
		return nil, err
	}
	now := s.opts.Now()
	if now.Sub(unixTime(seen)) > lim.Idle || now.Sub(unixTime(created)) > lim.Absolute {
		s.EndSession(context.WithoutCancel(ctx), token)
		return nil, errorf(ErrUnauthenticated, "your session has expired; sign in again")
	}
	if now.Unix()-seen >= 60 {
		err := s.write(ctx, func(tx *wtx) error {
			_, err := tx.ExecContext(ctx, `UPDATE web_sessions SET seen_at = ? WHERE id = ?`, tx.unix(), key)
			return err
		})
		if err != nil {
			return nil, err
		}
		seen = now.Unix()
	}
	u, err := s.userByEmail(ctx, s.rdb, email)
	if err != nil {
		return nil, err
	}
	return &Session{User: u, CSRF: csrf, Created: unixTime(created), Seen: unixTime(seen)}, nil
}

// EndSession signs a session out. Ending one that is gone is no error.
func (s *Store) EndSession(ctx context.Context, token string) error {
	return s.write(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE id = ?`, sessionKey(token))
		return err
	})
}

// endSessions ends every console session of uid but keep's (a cookie
// value, or "" for none), inside a write transaction.
func endSessions(ctx context.Context, tx *wtx, email, keep string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE uid = (SELECT uid FROM users WHERE email = ?)
		AND id <> ?`, email, sessionKey(keep))
	if err == nil {
		tx.emit(Change{Kind: ChangeSessionsEnded, User: email})
	}
	return err
}

// SweepSessions deletes sessions past either limit; the daemon runs it
// now and then so that abandoned sessions do not pile up.
func (s *Store) SweepSessions(ctx context.Context, lim SessionLimits) (int, error) {
	lim = lim.filled()
	now := s.opts.Now()
	var n int64
	err := s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE seen_at < ? OR created_at < ?`,
			now.Add(-lim.Idle).Unix(), now.Add(-lim.Absolute).Unix())
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	return int(n), err
}
