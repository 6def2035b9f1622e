package imap

import (
	"errors"

	goimap "github.com/emersion/go-imap/v2"

	"groupd/groups"
)

// The archive is read-only: every command that would change it gets one
// of these (RFC 3501 §7.1.2 NO; RFC 5530 response codes).
var (
	errNoAppend  = readOnly("APPEND refused: group archives are read-only; post to the group's list address instead")
	errNoExpunge = readOnly("EXPUNGE refused: group archives are read-only; messages cannot be deleted")
	errNoCopy    = readOnly("COPY refused: group archives are read-only; nothing can be copied into them")
	errNoMove    = readOnly("MOVE refused: group archives are read-only; messages cannot be moved out of them")
	errNoCreate  = readOnly("CREATE refused: mailboxes are the groups you belong to; create a group instead")
	errNoDelete  = readOnly("DELETE refused: a group's mailbox goes away only with the group or your membership")
	errNoRename  = readOnly("RENAME refused: a group's mailbox is named by the group")
	errNoDeleted = readOnly("\\Deleted refused: group archives are read-only; messages cannot be deleted")
	errExamine   = readOnly("STORE refused: the mailbox was opened with EXAMINE (read-only); use SELECT to change your flags")
)

func readOnly(text string) *goimap.Error {
	return &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodeNoPerm, Text: text}
}

var (
	errNoMailbox = &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodeNonExistent,
		Text: "No such mailbox"}
	errNoSelect = &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodeCannot,
		Text: "Groups is a folder of group mailboxes and cannot be selected"}
	errLogin = &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodeAuthenticationFailed,
		Text: "Wrong email or password"}
	errTooManyFailures = &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: goimap.ResponseCodeUnavailable,
		Text: "Too many failed logins from your address; wait a while and try again"}
)

// mapLoginErr is the answer to a failed LOGIN or AUTHENTICATE.
func mapLoginErr(err error) error {
	var ie *goimap.Error
	switch {
	case errors.As(err, &ie):
		return err
	case errors.Is(err, groups.ErrThrottled):
		return errTooManyFailures
	case errors.Is(err, groups.ErrUnauthenticated):
		return errLogin
	}
	return toIMAP(err)
}

// toIMAP maps a groups error to a protocol answer; the one place where
// the store's sentinels become IMAP response codes.
func toIMAP(err error) error {
	if err == nil {
		return nil
	}
	var ie *goimap.Error
	if errors.As(err, &ie) {
		return err
	}
	msg := groups.Message(err)
	no := func(code goimap.ResponseCode) error {
		return &goimap.Error{Type: goimap.StatusResponseTypeNo, Code: code, Text: msg}
	}
	switch {
	case errors.Is(err, groups.ErrNotFound):
		return no(goimap.ResponseCodeNonExistent)
	case errors.Is(err, groups.ErrDenied):
		return no(goimap.ResponseCodeNoPerm)
	case errors.Is(err, groups.ErrUnauthenticated):
		return no(goimap.ResponseCodeAuthenticationFailed)
	case errors.Is(err, groups.ErrInvalid):
		return &goimap.Error{Type: goimap.StatusResponseTypeBad, Code: goimap.ResponseCodeClientBug, Text: msg}
	case errors.Is(err, groups.ErrConflict), errors.Is(err, groups.ErrTooLarge):
		return no(goimap.ResponseCodeCannot)
	}
	return err // the library answers NO [SERVERBUG] and logs it
}

// lostAccess reports whether err means the user may no longer read the
// selected mailbox (removed, feature off, group gone).
func lostAccess(err error) bool {
	return errors.Is(err, groups.ErrNotFound) || errors.Is(err, groups.ErrDenied) ||
		errors.Is(err, groups.ErrUnauthenticated)
}
