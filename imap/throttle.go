package imap

import (
	"time"

	goimap "github.com/emersion/go-imap/v2"
)

// throttle caps the password checks running at once: each is an argon2id
// hash. Failed logins are counted by the store (groups.Store.Login).
type throttle struct {
	slots chan struct{}
	wait  time.Duration
}

func newThrottle(o Options) *throttle {
	return &throttle{slots: make(chan struct{}, o.MaxConcurrentLogins), wait: o.LoginWait}
}

var errBusy = &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodeUnavailable,
	Text: "Too many logins at once; try again shortly"}

// check runs fn (the password check) once a slot is free, or answers
// errBusy after the wait.
func (t *throttle) check(fn func() error) error {
	timer := time.NewTimer(t.wait)
	defer timer.Stop()
	select {
	case t.slots <- struct{}{}:
	case <-timer.C:
		return errBusy
	}
	defer func() { <-t.slots }()
	return fn()
}
