package smtp

import (
	"bufio"
	"bytes"
	"io"
	"mime"
	netmail "net/mail"
	"strings"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

const maxHeaderBytes = 1 << 20

// message is a received message, checked and with CRLF line endings. Its
// bytes are in a spool (spool.go): the header in memory, a large body on
// disk. close gives the spool back.
type message struct {
	sp      *spool
	size    int64            // the whole message
	header  []byte           // the header block, without the blank line
	bodyOff int64            // where the body starts (its blank line included)
	noBody  bool             // no blank line: the body is a lone CRLF
	h       textproto.Header // parsed header
	dkim    []dkimPass       // DKIM signatures that verify; nil: not yet verified
}

// readMessage reads DATA up to limit bytes into a spool in dir and checks
// what every message must be: no NUL (RFC 5321 §4.1.1.4 text), a header
// block of bounded size that parses (RFC 5322 §2.2).
func readMessage(r io.Reader, limit int64, maxLines int, dir string) (*message, error) {
	sp, nul, err := readSpool(r, limit, dir)
	if err != nil {
		return nil, err
	}
	m, err := parseSpool(sp, nul, maxLines)
	if err != nil {
		sp.close()
		return nil, err
	}
	return m, nil
}

// parseSpool finds and parses the header of a spooled message.
func parseSpool(sp *spool, nul bool, maxLines int) (*message, error) {
	if nul {
		return nil, errMalformed("the message contains NUL characters, which mail may not carry")
	}
	m := &message{sp: sp, size: sp.size}
	head := sp.head
	end := bytes.Index(head, []byte("\r\n\r\n"))
	switch {
	case bytes.HasPrefix(head, []byte("\r\n")):
		return nil, errMalformed("the message has no header")
	case end < 0 && sp.file != nil:
		return nil, errHeaderTooLarge(maxLines) // no blank line in the first memBytes
	case end < 0:
		m.header, m.noBody = bytes.TrimSuffix(head, []byte("\r\n")), true
	default:
		m.header, m.bodyOff = head[:end], int64(end+2)
	}
	if len(m.header) > maxHeaderBytes || bytes.Count(m.header, []byte("\n")) >= maxLines {
		return nil, errHeaderTooLarge(maxLines)
	}
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(append(append([]byte{}, m.header...), "\r\n\r\n"...))))
	if err != nil {
		return nil, errMalformed("the message header is malformed (RFC 5322 §2.2)")
	}
	m.h = h
	return m, nil
}

// reader reads the whole message from its spool.
func (m *message) reader() io.Reader { return m.sp.reader(0) }

// raw is the whole message in memory: for the uses that need it whole,
// under the memory budget (budget.go).
func (m *message) raw() ([]byte, error) { return m.sp.bytes(0) }

// writeBody writes the body (from the blank line on) to w.
func (m *message) writeBody(w io.Writer) error {
	if m.noBody {
		_, err := io.WriteString(w, "\r\n")
		return err
	}
	_, err := io.CopyBuffer(onlyWriter{w}, m.sp.reader(m.bodyOff), make([]byte, 32<<10))
	return err
}

// onlyWriter hides a bytes.Buffer's ReadFrom, which grows the buffer to
// twice its size when less than 512 bytes are left, even at the very end:
// a list copy sized for its message would be copied whole once more.
type onlyWriter struct{ io.Writer }

// close gives back the message's spool file.
func (m *message) close() { m.sp.close() }

// toCRLF makes every line end in CRLF: a bare LF or a bare CR becomes
// CRLF (RFC 5321 §2.3.8 forbids both; bare LF is common all the same). A
// bare CR left in place could reach the relay as "<CR>.<CR><LF>", which
// a relay that takes it for the end of data would split into a second,
// smuggled message; after this, a dot alone on a line is a real line and
// is dot-stuffed when relayed (RFC 5321 §4.5.2).
func toCRLF(b []byte) []byte {
	crlf := bytes.Count(b, []byte("\r\n"))
	if bytes.Count(b, []byte("\n")) == crlf && bytes.Count(b, []byte("\r")) == crlf {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/32)
	for i, c := range b {
		switch {
		case c == '\n' && (i == 0 || b[i-1] != '\r'):
			out = append(out, '\r', '\n')
		case c == '\r' && (i+1 == len(b) || b[i+1] != '\n'):
			out = append(out, '\r', '\n')
		default:
			out = append(out, c)
		}
	}
	return out
}

// fromAddrs parses the From header (RFC 5322 §3.6.2), encoded words and
// all; every author must pass the posting rule. A message with more than
// one From field is refused (RFC 5322 §3.6: exactly one).
func (m *message) fromAddrs() ([]*mail.Address, error) {
	if err := m.oneField("From"); err != nil {
		return nil, err
	}
	h := mail.Header{Header: gomessage.Header{Header: m.h}}
	list, err := h.AddressList("From")
	if err == nil && len(list) > 0 {
		return list, nil
	}
	// go-message refuses some decoded names (control characters); the
	// standard parser is more lenient. Names are made one line on use.
	std, err := (&netmail.AddressParser{WordDecoder: new(mime.WordDecoder)}).ParseList(m.h.Get("From"))
	if err != nil || len(std) == 0 {
		return nil, errMalformed("the message has no valid From header (RFC 5322 §3.6.2)")
	}
	list = list[:0]
	for _, a := range std {
		list = append(list, &mail.Address{Name: a.Name, Address: a.Address})
	}
	return list, nil
}

// autoSubmitted reports whether the message is automatic (RFC 3834 §5).
func (m *message) autoSubmitted() bool {
	v := strings.ToLower(strings.TrimSpace(m.h.Get("Auto-Submitted")))
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v != "" && v != "no"
}

// hasLoop reports whether the message already went through address: an
// X-Loop naming it, or a List-Id that is its own.
func (m *message) hasLoop(address string) bool {
	for _, v := range m.h.Values("X-Loop") {
		if strings.EqualFold(strings.TrimSpace(v), address) {
			return true
		}
	}
	return false
}

func (m *message) messageID() string {
	h := mail.Header{Header: gomessage.Header{Header: m.h}}
	id, _ := h.MessageID()
	return id
}

// subject is the decoded Subject, one line.
func (m *message) subject() string {
	dec := new(mime.WordDecoder)
	s, err := dec.DecodeHeader(m.h.Get("Subject"))
	if err != nil {
		s = m.h.Get("Subject")
	}
	return oneLine(s)
}

// oneLine drops control characters (CR, LF, NUL...) from text decoded out
// of a header, so that it can go into another header without starting a
// new one (header injection).
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

// dkimPass is a DKIM signature of the message that verifies (RFC 6376
// §6): its domain (d=) and the header fields it covers (h=, lower-case).
type dkimPass struct {
	domain string
	fields []string
}

// dkimSigned is the set of header field names (lower-case) that the
// message's verified DKIM signatures cover (RFC 6376 §3.5 h=). A
// signature that does not verify, or was not checked, counts for nothing:
// anyone can write a DKIM-Signature field.
func (m *message) dkimSigned() map[string]bool {
	out := map[string]bool{}
	for _, p := range m.dkim {
		for _, name := range p.fields {
			out[name] = true
		}
	}
	return out
}
