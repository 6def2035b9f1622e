package notice

import (
	"bytes"
	"net/mail"
	"strings"
	"time"

	gomessage "github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
)

// Line lengths of RFC 5322 §2.1.1: a line SHOULD be at most 78 octets
// and MUST be at most 998 (without CRLF).
const (
	lineSoft = 78
	lineHard = 998
)

// Message is one notice to be queued.
type Message struct {
	From      *mail.Address // groupd's no-reply address
	ReplyTo   *mail.Address // whom a reply goes to; nil: none
	Subject   string
	Date      time.Time
	MessageID string // without angle brackets
	Language  string // Content-Language (RFC 3282); "" for none
	Body      string // plain text, lines ending in LF
	// Attached is a message sent along after the text, as a
	// message/rfc822 part (RFC 2046 §5.2.1); nil for none.
	Attached []byte
}

// Bytes is the message in RFC 5322 form with CRLF line ends. Header
// fields are encoded (RFC 2047, encodeText) in words short enough that
// go-message's writer folds them (RFC 5322 §2.2.3) to lines of at most 78
// octets. The body is sent as is (7bit or 8bit) when every line
// is at most 78 octets, and quoted-printable (RFC 2045 §6.7) or base64
// (§6.8) otherwise, whose lines are at most 76 octets whatever the text.
func (m *Message) Bytes() ([]byte, error) {
	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	cte := TransferEncoding(body)
	if cte != "quoted-printable" {
		// Text has CRLF line ends (RFC 5322 §2.3, RFC 2045 §6.8 for
		// base64's content); quoted-printable's writer makes them itself.
		body = strings.ReplaceAll(body, "\n", "\r\n")
	}
	// go-message writes the fields last added first: they are added
	// from the bottom up, so that the header reads From, To, Subject...
	var h gomail.Header
	if m.Attached == nil {
		h.Set("Content-Transfer-Encoding", cte)
		h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	} else {
		h.SetContentType("multipart/mixed", nil)
	}
	h.Set("MIME-Version", "1.0")
	if m.Language != "" {
		h.Set("Content-Language", m.Language)
	}
	h.Set("Auto-Submitted", "auto-generated") // RFC 3834 §5: no autoreplies
	h.SetMessageID(m.MessageID)
	h.SetDate(m.Date)
	h.Set("Subject", encodeText(m.Subject))
	if m.ReplyTo != nil {
		h.Set("Reply-To", address(m.ReplyTo))
	}
	// RFC 5322 §3.6.3: an empty group when recipients are not shown.
	h.Set("To", "undisclosed-recipients:;")
	h.Set("From", address(m.From))
	var b bytes.Buffer
	w, err := gomessage.CreateWriter(&b, h.Header)
	if err != nil {
		return nil, err
	}
	if m.Attached != nil {
		err := writeParts(w, body, cte, m.Attached)
		return b.Bytes(), err
	}
	if _, err := w.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// TransferEncoding is the Content-Transfer-Encoding (RFC 2045 §6) for
// body: "7bit" for short lines of ASCII, "8bit" for short lines of UTF-8.
// When a line is over 78 octets (RFC 5322 §2.1.1) it is
// "quoted-printable", which keeps mostly-ASCII text readable, or
// "base64" for text mostly in other scripts (a Hangul syllable is 9
// octets quoted-printable, 4 in base64); both have lines of at most 76
// octets, so nothing in the body can make a line over 998.
func TransferEncoding(body string) string {
	long := false
	high := 0 // octets outside ASCII
	for line := range strings.SplitSeq(body, "\n") {
		long = long || len(strings.TrimSuffix(line, "\r")) > lineSoft
		for i := 0; i < len(line); i++ {
			if line[i] >= 0x80 {
				high++
			}
		}
	}
	switch {
	case long && high*3 > len(body):
		return "base64"
	case long:
		return "quoted-printable"
	case high > 0:
		return "8bit"
	}
	return "7bit"
}

// The groups store takes a *Catalog as its notices (groups.Notices,
// Options.Notices): it decides when a notice goes, to whom and what it
// tells (a groups.Notice); Render (render.go) words it and Compose makes
// it a message.

// Compose is Message.Bytes for a notice in the catalog's language
// (Content-Language); replyTo and attached may be nil.
func (c *Catalog) Compose(from, replyTo *mail.Address, subject, messageID string, date time.Time, body string, attached []byte) ([]byte, error) {
	m := Message{From: from, ReplyTo: replyTo, Subject: subject, Date: date, MessageID: messageID,
		Language: c.lang, Body: body, Attached: attached}
	return m.Bytes()
}
