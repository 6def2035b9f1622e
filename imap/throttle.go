package imap

import (
	"sync"
	"time"

	goimap "github.com/emersion/go-imap/v2"
)

// throttle guards password checks: a few run at once (each is an argon2id
// hash), and an address that failed too often in the window is refused
// until the window passes.
type throttle struct {
	slots  chan struct{}
	wait   time.Duration
	max    int
	window time.Duration

	mu    sync.Mutex
	fails map[string]*failures
}

type failures struct {
	n     int
	start time.Time
}

func newThrottle(o Options) *throttle {
	return &throttle{
		slots:  make(chan struct{}, o.MaxConcurrentLogins),
		wait:   o.LoginWait,
		max:    o.MaxLoginFailures,
		window: o.LoginWindow,
		fails:  map[string]*failures{},
	}
}

var (
	errTooManyFailures = &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodeUnavailable,
		Text: "Too many failed logins from your address; wait a minute and try again"}
	errBusy = &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodeUnavailable,
		Text: "Too many logins at once; try again shortly"}
)

// check runs fn (the password check) under the throttle for ip. fn
// reports whether the credentials were wrong.
func (t *throttle) check(ip string, fn func() (wrong bool, err error)) error {
	if t.blocked(ip) {
		return errTooManyFailures
	}
	timer := time.NewTimer(t.wait)
	defer timer.Stop()
	select {
	case t.slots <- struct{}{}:
	case <-timer.C:
		return errBusy
	}
	wrong, err := fn()
	<-t.slots
	if wrong {
		t.fail(ip)
	}
	return err
}

func (t *throttle) blocked(ip string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.fails[ip]
	if f == nil {
		return false
	}
	if time.Since(f.start) > t.window {
		delete(t.fails, ip)
		return false
	}
	return f.n >= t.max
}

func (t *throttle) fail(ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.fails) > 100000 {
		for k, f := range t.fails {
			if time.Since(f.start) > t.window {
				delete(t.fails, k)
			}
		}
	}
	f := t.fails[ip]
	if f == nil || time.Since(f.start) > t.window {
		f = &failures{start: time.Now()}
		t.fails[ip] = f
	}
	f.n++
}
