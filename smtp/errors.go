package smtp

import (
	"errors"
	"strconv"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
)

// Every answer this package gives a sender that is not go-smtp's own is
// made here (RFC 5321 §4.2 codes, RFC 3463 enhanced codes).

func smtpErr(code int, enh gosmtp.EnhancedCode, msg string) *gosmtp.SMTPError {
	return &gosmtp.SMTPError{Code: code, EnhancedCode: enh, Message: msg}
}

// errRelay: a recipient outside the hosted domains. Never a relay.
func errRelay(addr string) error {
	return smtpErr(550, gosmtp.EnhancedCode{5, 7, 1}, "relaying denied: this server accepts mail only for its lists, not for "+addr)
}

// errAuthRequired: MAIL or RCPT on submission before AUTH. RFC 4954 §6
// gives 530 5.7.0; go-smtp's ErrAuthRequired is 502, which RFC 5321
// §4.2.4 keeps for a command that is not implemented.
func errAuthRequired() error {
	return smtpErr(530, gosmtp.EnhancedCode{5, 7, 0}, "Authentication required")
}

func errBadAddress(addr string) error {
	return smtpErr(501, gosmtp.EnhancedCode{5, 1, 3}, "bad address syntax: "+addr)
}

func errTooLarge(limit int64) error {
	return smtpErr(552, gosmtp.EnhancedCode{5, 3, 4}, "the message is larger than this server accepts ("+sizeText(limit)+")")
}

func errHeaderTooLarge(lines int) error {
	return smtpErr(552, gosmtp.EnhancedCode{5, 3, 4}, "the message header is too large (more than "+strconv.Itoa(lines)+" lines or 1 MiB)")
}

func errMalformed(what string) error {
	return smtpErr(554, gosmtp.EnhancedCode{5, 6, 0}, what)
}

func errShuttingDown() error {
	return smtpErr(451, gosmtp.EnhancedCode{4, 3, 2}, "the server is shutting down; please try again later")
}

func errTemporary() error {
	return smtpErr(451, gosmtp.EnhancedCode{4, 3, 0}, "the message could not be stored just now; please try again later")
}

// mapStoreErr turns an error of the groups store into an answer: a
// refusal of the posting rule, an unknown address, or a temporary failure.
func mapStoreErr(err error) error {
	var r *groups.Refusal
	if errors.As(err, &r) {
		switch r.Rule {
		case groups.RefuseNoList:
			return smtpErr(550, gosmtp.EnhancedCode{5, 1, 1}, r.Msg)
		case groups.RefuseDisabled:
			return smtpErr(550, gosmtp.EnhancedCode{5, 2, 1}, r.Msg)
		}
		return smtpErr(550, gosmtp.EnhancedCode{5, 7, 1}, r.Msg)
	}
	if errors.Is(err, groups.ErrNotFound) {
		return smtpErr(550, gosmtp.EnhancedCode{5, 1, 1}, groups.Message(err))
	}
	return errTemporary()
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(int(n>>20)) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(int(n>>10)) + " KiB"
	}
	return strconv.Itoa(int(n)) + " bytes"
}

// held reports whether err is a refusal of the posting rule that the
// list's moderation turns into a hold (issue 13): the post is taken, and
// AcceptPosts stores it for the masters.
func held(err error) bool {
	var r *groups.Refusal
	return errors.As(err, &r) && r.Hold
}
