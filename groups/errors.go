package groups

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error the Store returns for a rule or a missing
// thing wraps exactly one of these; protocols map them with errors.Is.
var (
	// ErrNotFound: the thing does not exist, or the actor may not know that
	// it exists (a private group to a non-member, a disabled feature).
	ErrNotFound = errors.New("not found")
	// ErrDenied: the actor can see the thing but may not do this to it.
	ErrDenied = errors.New("permission denied")
	// ErrConflict: the change contradicts existing state (duplicate id or
	// address, last master, precondition failed).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the input breaks a rule of the model (length, format).
	ErrInvalid = errors.New("invalid")
	// ErrUnauthenticated: wrong or missing credentials.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrTooLarge: the input is over a size limit.
	ErrTooLarge = errors.New("too large")
)

// Error carries a sentence for a person beside the sentinel it wraps.
type Error struct {
	Kind error  // one of the sentinels above
	Msg  string // a sentence a person understands
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Kind }

func errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Message returns the sentence of err for a person: the Msg of an *Error,
// else a generic sentence for its sentinel.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return "not found"
	case errors.Is(err, ErrDenied):
		return "you are not allowed to do that"
	case errors.Is(err, ErrConflict):
		return "that conflicts with the current state"
	case errors.Is(err, ErrInvalid):
		return "invalid input"
	case errors.Is(err, ErrUnauthenticated):
		return "authentication required"
	case errors.Is(err, ErrTooLarge):
		return "too large"
	case errors.Is(err, ErrThrottled):
		return "too many failed logins; try again later"
	}
	return "internal error"
}

// errGroupNotFound is the one answer for a missing or invisible group; the
// API test compares it byte for byte against a never-existing group.
func errGroupNotFound() error { return &Error{Kind: ErrNotFound, Msg: "group not found"} }
