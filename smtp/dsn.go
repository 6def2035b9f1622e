package smtp

import (
	"bufio"
	"errors"
	"io"
	"strings"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"

	"groupd/groups"
)

// dsnReport is one failed recipient of a delivery status notification.
type dsnReport struct {
	rcpt   string // Final-Recipient (or Original-Recipient) address
	status string // enhanced status, e.g. "5.1.1"
	diag   string // Diagnostic-Code
}

// parseDSN finds the message/delivery-status part of a multipart/report
// (RFC 3464 §2, RFC 6522) and returns its recipients whose Action is
// "failed". Anything else gives none.
func parseDSN(m *message) []dsnReport {
	e, err := gomessage.Read(m.reader())
	if err != nil && e == nil {
		return nil
	}
	mr := e.MultipartReader()
	if mr == nil {
		return nil
	}
	for i := 0; i < 20; i++ {
		p, err := mr.NextPart()
		if err != nil {
			return nil
		}
		t, _, _ := p.Header.ContentType()
		if t == "message/delivery-status" || t == "message/global-delivery-status" {
			return parseStatusFields(io.LimitReader(p.Body, 1<<20))
		}
	}
	return nil
}

// parseStatusFields reads the per-message fields, then one block of
// per-recipient fields per recipient (RFC 3464 §2.2, §2.3).
func parseStatusFields(r io.Reader) []dsnReport {
	br := bufio.NewReader(r)
	if _, err := textproto.ReadHeader(br); err != nil {
		return nil
	}
	var out []dsnReport
	for i := 0; i < 1000; i++ {
		skipBlankLines(br)
		h, err := textproto.ReadHeader(br)
		if h.Len() > 0 && strings.EqualFold(strings.TrimSpace(h.Get("Action")), "failed") {
			rcpt := typedAddress(h.Get("Final-Recipient"))
			if rcpt == "" {
				rcpt = typedAddress(h.Get("Original-Recipient"))
			}
			out = append(out, dsnReport{rcpt: rcpt, status: statusCode(h.Get("Status")), diag: oneLine(h.Get("Diagnostic-Code"))})
		}
		if err != nil || h.Len() == 0 {
			break
		}
	}
	return out
}

func skipBlankLines(br *bufio.Reader) {
	for {
		b, err := br.Peek(1)
		if err != nil || (b[0] != '\r' && b[0] != '\n') {
			return
		}
		br.ReadByte()
	}
}

// typedAddress takes the address out of "rfc822; user@example.com".
func typedAddress(v string) string {
	_, addr, ok := strings.Cut(v, ";")
	if !ok {
		addr = v
	}
	addr = strings.Trim(strings.TrimSpace(addr), "<>")
	if !strings.Contains(addr, "@") {
		return ""
	}
	return strings.ToLower(addr)
}

// statusCode keeps the "5.1.1" of a Status field (RFC 3464 §2.3.4).
func statusCode(v string) string {
	f := strings.Fields(v)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func isNotFound(err error) bool { return errors.Is(err, groups.ErrNotFound) }
