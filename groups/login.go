package groups

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"time"
)

// ErrThrottled: too many failed logins from this client; try later.
var ErrThrottled = errors.New("too many failed logins")

// LoginRequest is one login attempt from a protocol.
type LoginRequest struct {
	Email    string
	Password string // the account password or an app password
	Remote   string // the client's address, "ip:port" or "ip"
	Protocol string // "smtp", "imap", "dav", "api", "web": for the log
	// AccountPasswordOnly refuses app passwords: the web console signs in
	// with the account password alone (issue 16: app passwords are for
	// mail, calendar and file apps).
	AccountPasswordOnly bool
}

// Login is the one authentication service of every protocol: it checks
// the password (or an app password), throttles failures per client IP and
// per account, and logs the outcome — never the password.
func (s *Store) Login(ctx context.Context, r LoginRequest) (*User, error) {
	email := strings.ToLower(strings.TrimSpace(r.Email))
	ip := clientIP(r.Remote)
	now := s.opts.Now()
	ipKey, acctKey := "ip:"+ip, "acct:"+email
	// The failure is counted (a slot reserved) before the password is
	// hashed, so that parallel guesses cannot all pass the check (issue
	// 16 item 10); a success or an error that is no failure gives the
	// slot back.
	read := s.readLogin(ctx, now, ipKey, acctKey, email) // other nodes' failures too (PostgreSQL)
	shared := read.failures
	ipFails, reserved := s.throttle.reserve(ipKey, now, shared[ipKey])
	// The log names an address that is no account by a hash only
	// (login_logname.go); that takes a look-up, which only the failures'
	// lines need: a successful login names its account.
	log := func(user string) *slog.Logger { return s.log.With("proto", r.Protocol, "remote", ip, "user", user) }
	if !reserved {
		log(s.logName(ctx, email)).Warn("login refused: too many failures from this address", "failures", ipFails)
		return nil, errorf(ErrThrottled, "too many failed logins from %s; try again later", ip)
	}
	acctFails := s.throttle.count(acctKey, now)
	if shared != nil {
		acctFails = shared[acctKey]
	}
	u, err := s.checkLogin(ctx, r, email, max(ipFails, acctFails), read)
	if errors.Is(err, ErrUnauthenticated) {
		s.throttle.failed(now, acctKey)
		s.recordFailures(ctx, now, ipKey, acctKey)
		log(s.logName(ctx, email)).Warn("login failed")
		return nil, err
	}
	s.throttle.release(ipKey, now)
	if err != nil {
		return nil, err
	}
	s.throttle.succeeded(acctKey)
	if shared[acctKey] > 0 {
		s.clearFailures(ctx, acctKey)
	}
	if u.ViaAppPassword {
		log(email).Info("login", "app_password", true)
	} else {
		log(email).Info("login")
	}
	return u, nil
}

// checkLogin waits as the recent failures ask, then checks the password
// or an app password, with at most throttle.hashes hashes in flight.
func (s *Store) checkLogin(ctx context.Context, r LoginRequest, email string, fails int, read loginRead) (*User, error) {
	if wait := s.throttle.delay(fails); wait > 0 {
		read.ok = false // the row read before the wait may be stale after it
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	if err := s.throttle.acquire(ctx); err != nil {
		return nil, err
	}
	defer s.throttle.releaseHash()
	u, err := s.authenticate(ctx, email, r.Password, read)
	if errors.Is(err, ErrUnauthenticated) && !r.AccountPasswordOnly {
		if u, err = s.appPasswordLogin(ctx, email, r.Password); err == nil {
			u.ViaAppPassword = true
		}
	}
	return u, err
}

// clientIP strips the port from an address.
func clientIP(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}
