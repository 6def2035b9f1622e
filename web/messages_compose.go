package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"groupd/groups"
)

// draft is what a member wrote in the composer or a reply form.
type draft struct {
	From    *groups.User
	List    string
	Subject string
	Body    string
	Parent  *msgPost // the post replied to; nil for a new thread
	Now     time.Time
}

// compose writes the draft as an Internet message (RFC 5322) with one
// text part (RFC 2045, 2046): UTF-8, quoted-printable, CRLF line ends.
func (d *draft) compose() []byte {
	var b bytes.Buffer
	from := mail.Address{Name: d.From.Name, Address: d.From.Email}
	field(&b, "From", from.String()) // RFC 2047 encodes a non-ASCII name
	field(&b, "To", "<"+d.List+">")
	field(&b, "Subject", encodeText(d.Subject))
	field(&b, "Date", d.Now.Format(time.RFC1123Z)) // RFC 5322 §3.3
	field(&b, "Message-ID", "<"+newMessageID(d.List)+">")
	if p := d.Parent; p != nil && p.MessageID != "" {
		// RFC 5322 §3.6.4: the parent's References (else its
		// In-Reply-To) followed by the parent's Message-ID.
		refs := p.Refs
		field(&b, "In-Reply-To", "<"+p.MessageID+">")
		field(&b, "References", angleList(append(append([]string{}, refs...), p.MessageID)))
	}
	field(&b, "MIME-Version", "1.0")
	field(&b, "Content-Type", "text/plain; charset=utf-8")
	field(&b, "Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(normalizeNewlines(d.Body) + "\n"))
	qp.Close()
	return b.Bytes()
}

// field writes one header field, folded at spaces so that lines stay
// near 78 characters (RFC 5322 §2.1.1, §2.2.3).
func field(b *bytes.Buffer, name, value string) {
	line := name + ":"
	for _, w := range strings.Split(value, " ") {
		if len(line)+1+len(w) > 78 && strings.TrimSpace(line) != name+":" {
			b.WriteString(line + "\r\n")
			line = ""
		}
		line += " " + w
	}
	b.WriteString(line + "\r\n")
}

// encodeText encodes an unstructured field's text as RFC 2047 encoded
// words when it is not plain ASCII. Base64 keeps Korean short; the
// encoder splits long text into words of at most 75 characters, which
// field folds between.
func encodeText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, r := range s {
		if r >= 0x80 {
			return mime.BEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// angleList writes message ids as a References list, oldest first, and
// keeps at most the first and the last 20 (a long thread's list would
// grow without end).
func angleList(ids []string) string {
	if len(ids) > 21 {
		ids = append(ids[:1:1], ids[len(ids)-20:]...)
	}
	out := make([]string, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if id != "" && !seen[id] && !strings.ContainsAny(id, "<> \r\n") {
			seen[id] = true
			out = append(out, "<"+id+">")
		}
	}
	return strings.Join(out, " ")
}

// newMessageID is a unique id at the list's domain, which this server
// hosts (RFC 5322 §3.6.4).
func newMessageID(list string) string {
	r := make([]byte, 16)
	rand.Read(r)
	_, domain, _ := strings.Cut(list, "@")
	return hex.EncodeToString(r) + ".web@" + domain
}

// normalizeNewlines makes every line end in a bare LF, which the
// quoted-printable writer turns into CRLF (RFC 2045 §6.7).
func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// replySubject is the subject of a reply to p: its own, marked "Re:"
// once (RFC 5322 §3.6.5).
func replySubject(p *msgPost) string {
	s := strings.TrimSpace(p.Subject)
	if _, reply := normSubject(s); reply {
		return s
	}
	return "Re: " + s
}
