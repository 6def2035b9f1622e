package imap

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	goimap "github.com/emersion/go-imap/v2"
	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"groupd/groups"
)

// candidate is a message under SEARCH, with its header parsed on demand.
type candidate struct {
	m      *groups.ImapMessage
	header *mail.Header
}

func (c *candidate) parsedHeader() *mail.Header {
	if c.header == nil {
		h, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(c.m.Data)))
		c.header = &mail.Header{Header: gomessage.Header{Header: h}}
	}
	return c.header
}

// matchContent checks the HEADER, SENTBEFORE/SENTSINCE, BODY and TEXT keys
// (RFC 3501 §6.4.4).
func (c *candidate) matchContent(cr *goimap.SearchCriteria) bool {
	for _, f := range cr.Header {
		if !matchHeaderFields(c.parsedHeader().FieldsByKey(f.Key), f.Value) {
			return false
		}
	}
	if !cr.SentSince.IsZero() || !cr.SentBefore.IsZero() {
		t, err := c.parsedHeader().Date()
		if err != nil || t.IsZero() {
			t = c.m.Received // no usable Date: the internal date, as Dovecot does
		}
		if !matchDate(t, cr.SentSince, cr.SentBefore) {
			return false
		}
	}
	for _, t := range cr.Text {
		if !matchText(c.m.Data, t, true) {
			return false
		}
	}
	for _, t := range cr.Body {
		if !matchText(c.m.Data, t, false) {
			return false
		}
	}
	return true
}

func matchHeaderFields(fields gomessage.HeaderFields, pattern string) bool {
	if pattern == "" {
		return fields.Len() > 0
	}
	pattern = strings.ToLower(pattern)
	for fields.Next() {
		v, err := fields.Text()
		if err != nil {
			v = fields.Value()
		}
		if strings.Contains(strings.ToLower(v), pattern) {
			return true
		}
	}
	return false
}

// matchText looks for pattern in the raw message (fast path, most posts)
// and, when the message carries encoded text (base64, quoted-printable,
// RFC 2047 words), in its decoded text parts and header values.
func matchText(data []byte, pattern string, withHeader bool) bool {
	if pattern == "" {
		return true
	}
	raw := data
	if !withHeader {
		raw = data[headerEnd(data):]
	}
	if containsFold(raw, pattern) {
		return true
	}
	if !encoded(data) {
		return false
	}
	e, err := gomessage.Read(bytes.NewReader(data))
	if e == nil {
		return false
	}
	_ = err // unknown charsets still give a readable entity
	return matchEntity(e, strings.ToLower(pattern), withHeader)
}

func encoded(data []byte) bool {
	return bytes.Contains(data, []byte("=?")) || containsFold(data, "base64") || containsFold(data, "quoted-printable")
}

func matchEntity(e *gomessage.Entity, pattern string, withHeader bool) bool {
	if withHeader && matchHeaderFields(e.Header.Fields(), pattern) {
		return true
	}
	if mr := e.MultipartReader(); mr != nil {
		for {
			part, err := mr.NextPart()
			if err != nil {
				return false
			}
			if matchEntity(part, pattern, withHeader) {
				return true
			}
		}
	}
	t, _, _ := e.Header.ContentType()
	if t != "" && !strings.HasPrefix(t, "text/") && !strings.HasPrefix(t, "message/") {
		return false
	}
	buf, err := io.ReadAll(io.LimitReader(e.Body, 16<<20))
	if err != nil && len(buf) == 0 {
		return false
	}
	return containsFold(buf, pattern)
}

// containsFold is a case-insensitive substring test: ASCII letters fold
// with a plain byte map; other scripts fold with Unicode rules.
func containsFold(data []byte, pattern string) bool {
	if !isASCII(pattern) {
		return bytes.Contains(bytes.ToLower(data), []byte(strings.ToLower(pattern)))
	}
	buf := make([]byte, len(data))
	for i, c := range data {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return bytes.Contains(buf, []byte(strings.ToLower(pattern)))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
