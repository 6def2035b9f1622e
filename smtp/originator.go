package smtp

import (
	"context"
	"mime"
	netmail "net/mail"
	"strconv"
	"strings"

	gosmtp "github.com/emersion/go-smtp"
)

// The originator fields (RFC 5322 §3.6.2): From, and Sender when the
// message has one. Each may appear at most once (RFC 5322 §3.6, the table
// of field counts: From exactly once, Sender at most once); a second From
// would carry an author that no check looked at, since readers and
// checks alike take the first.

// oneField refuses a message with more than one field called name.
func (m *message) oneField(name string) error {
	if n := len(m.h.Values(name)); n > 1 {
		return errDuplicateField(name, n)
	}
	return nil
}

// senderAddr is the address of the Sender field, "" when there is none.
// Sender names one mailbox (RFC 5322 §3.6.2).
func (m *message) senderAddr() (string, error) {
	if err := m.oneField("Sender"); err != nil {
		return "", err
	}
	v := m.h.Get("Sender")
	if strings.TrimSpace(v) == "" {
		return "", nil
	}
	a, err := (&netmail.AddressParser{WordDecoder: new(mime.WordDecoder)}).Parse(v)
	if err != nil {
		return "", smtpErr(550, gosmtp.EnhancedCode{5, 6, 0},
			"the Sender header is not one valid address (RFC 5322 §3.6.2)")
	}
	return strings.ToLower(a.Address), nil
}

// checkSender applies the sender-as rule to the Sender field as to From
// (RFC 5322 §3.6.2: Sender names who sent the message): a user may set it
// to their own address or a list whose senders_as names them.
func (s *subSession) checkSender(ctx context.Context, m *message) error {
	addr, err := m.senderAddr()
	if err != nil || addr == "" {
		return err
	}
	if err := s.sub.opts.Store.MaySendAs(ctx, s.user, addr); err != nil {
		s.log.Info("submission refused", "sender", addr, "why", err)
		return mapStoreErr(err)
	}
	return nil
}

func errDuplicateField(name string, n int) error {
	return smtpErr(550, gosmtp.EnhancedCode{5, 6, 0}, "the message has "+strconv.Itoa(n)+" "+name+
		" header fields; RFC 5322 §3.6 allows only one")
}
