package smtp

import (
	"bytes"
	"mime"
	"strings"
	"time"

	"groupd/groups"
)

// owned reports whether a header field of an incoming post is one the
// list writes itself, so that the sender's copy always goes, whatever a
// DKIM signature covers: every List-* field (RFC 2369 §3, RFC 2919 §2,
// RFC 8058 §3.1), Precedence, Return-Path (set by the final delivery,
// RFC 5321 §4.4; a sender's is never passed on), X-Original-Sender
// (written on a From rewrite) and this list's own X-Loop. Other lists'
// X-Loop fields stay, so that a loop through another list is still seen.
func owned(name, field []byte, list string) bool {
	n := strings.ToLower(strings.TrimSpace(string(name)))
	switch {
	case strings.HasPrefix(n, "list-"), n == "precedence", n == "return-path", n == "x-original-sender":
		return true
	case n == "x-loop":
		_, v, _ := bytes.Cut(field, []byte(":"))
		return strings.EqualFold(strings.TrimSpace(string(v)), list)
	}
	return false
}

// listCopy is the message as the list sends it: a Received field, the
// list's header fields, then the sender's header fields byte for byte
// (less the owned ones; with a subject prefix when prefix is not "") and
// the body byte for byte, so that the author's DKIM signature of the
// body and the usual signed fields still verifies. Without a From rewrite
// a Subject that a verified DKIM signature of the author covers keeps no
// prefix (RFC 6376 §5.4); an unverified signature changes nothing.
//
// With rw set (DMARC, see fromRewrite) From names the list instead of the
// author, who goes to Reply-To (unless the sender set one) and to
// X-Original-Sender.
func listCopy(m *message, t *groups.MailTarget, received, prefix, archive string, rw *rewrite) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(int(m.size) + 4096) // and the list's fields
	b.WriteString(received)
	listFields(&b, t.List, t.GroupName, archive)
	if rw != nil {
		b.WriteString("X-Original-Sender: " + rw.author + "\r\n")
		if m.h.Get("Reply-To") == "" {
			b.WriteString("Reply-To: " + rw.replyTo + "\r\n")
		}
	}
	signed := map[string]bool{}
	if rw == nil {
		signed = m.dkimSigned()
	}
	for _, f := range splitFields(m.header) {
		raw := f[:max(bytes.IndexByte(f, ':'), 0)]
		name := strings.ToLower(strings.TrimSpace(string(raw)))
		switch {
		case owned(raw, f, t.List):
		case name == "from" && rw != nil:
			b.WriteString("From: " + rw.from + "\r\n")
		case name == "subject" && prefix != "" && !signed["subject"]:
			b.Write(prefixSubject(f, prefix))
		default:
			b.Write(f)
		}
	}
	if err := m.writeBody(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// listFields writes the list's own header fields, those of its copies
// and of its digests: List-Id, the RFC 2369 fields, Precedence, X-Loop.
func listFields(b *bytes.Buffer, list, groupName, archive string) {
	local, domain, _ := strings.Cut(list, "@")
	owner := local + "-owner@" + domain
	// RFC 2919 §3: List-Id: phrase <local.domain>.
	b.WriteString("List-Id: " + phrase(groupName) + " <" + local + "." + domain + ">\r\n")
	// RFC 2369 §3.
	b.WriteString("List-Post: <mailto:" + list + ">\r\n")
	b.WriteString("List-Owner: <mailto:" + owner + ">\r\n")
	b.WriteString("List-Help: <mailto:" + owner + "?subject=help>\r\n")
	b.WriteString("List-Subscribe: <mailto:" + local + "-join@" + domain + ">\r\n")
	if archive != "" {
		b.WriteString("List-Archive: <" + archive + ">\r\n")
	}
	b.WriteString("Precedence: list\r\n")
	b.WriteString("X-Loop: " + list + "\r\n")
}

// splitFields cuts a header block into its fields, each with its folded
// continuation lines and its CRLF.
func splitFields(h []byte) [][]byte {
	var out [][]byte
	start := 0
	for i := 0; i < len(h); {
		j := bytes.Index(h[i:], []byte("\r\n"))
		next := len(h)
		if j >= 0 {
			next = i + j + 2
		}
		if next < len(h) && h[next] != ' ' && h[next] != '\t' {
			out = append(out, h[start:next])
			start = next
		}
		i = next
	}
	if start < len(h) {
		f := append([]byte{}, h[start:]...)
		if !bytes.HasSuffix(f, []byte("\r\n")) {
			f = append(f, "\r\n"...)
		}
		out = append(out, f)
	}
	return out
}

// prefixSubject puts prefix before the subject unless it is already in it
// (a reply: "Re: [Team] ...").
func prefixSubject(field []byte, prefix string) []byte {
	i := bytes.IndexByte(field, ':')
	value := bytes.TrimLeft(field[i+1:], " \t")
	dec, err := new(mime.WordDecoder).DecodeHeader(string(value))
	if err == nil && strings.Contains(dec, strings.TrimSpace(prefix)) {
		return field
	}
	return append([]byte("Subject: "+encodeWord(prefix)+" "), value...)
}

// phrase makes a display name safe for a header: a quoted string when it
// is ASCII, an RFC 2047 encoded word otherwise. Group names hold no
// control characters; oneLine makes sure of it.
func phrase(name string) string {
	name = oneLine(name)
	for _, r := range name {
		if r >= 0x80 {
			return mime.QEncoding.Encode("utf-8", name)
		}
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
}

func encodeWord(s string) string {
	s = oneLine(s)
	return mime.QEncoding.Encode("utf-8", s)
}

// receivedField is the trace field of RFC 5321 §4.4.
func receivedField(helo, remote, host, id, rcpt string, now time.Time) string {
	return "Received: from " + oneLine(helo) + " (" + remote + ")\r\n\tby " + host +
		" (groupd) with ESMTP id " + id + "\r\n\tfor <" + rcpt + ">; " + now.Format(time.RFC1123Z) + "\r\n"
}
