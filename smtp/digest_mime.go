package smtp

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"groupd/groups"
)

// digestHead is what a digest's header says: whose list, for whom, when.
type digestHead struct {
	List      string // the list address
	GroupName string
	Rcpt      string
	Archive   string // the List-Archive URL, "" for none
	Hostname  string // for the Message-ID
	Date      time.Time
	// The words (groups.Store.DigestWords): the Subject, the heading of
	// the table of contents, the MIME preamble.
	Subject, Contents, Preamble string
}

// composeDigest writes posts as one MIME digest (RFC 2046 §5.1.5): a
// multipart/digest whose first part is a text/plain table of contents
// (subject, author and date of each post) and whose other parts are the
// posts, each a message/rfc822 part (the default type in a digest, so
// the parts carry no header of their own). The digest carries the list's
// header fields as its copies do (RFC 2369, RFC 2919).
func composeDigest(h digestHead, posts []groups.DigestPost) ([]byte, error) {
	boundary, err := digestBoundary(posts)
	if err != nil {
		return nil, err
	}
	subject := oneLine(h.Subject)
	var b bytes.Buffer
	b.WriteString("From: " + phrase(h.GroupName) + " <" + h.List + ">\r\n")
	b.WriteString("To: " + h.Rcpt + "\r\n")
	b.WriteString("Subject: " + encodeWord(subject) + "\r\n")
	b.WriteString("Date: " + h.Date.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("Message-ID: <digest." + boundary[len(boundary)-24:] + "@" + h.Hostname + ">\r\n")
	listFields(&b, h.List, h.GroupName, h.Archive)
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/digest; boundary=\"" + boundary + "\"\r\n\r\n")
	// The preamble, for readers that know no MIME (RFC 2046 §5.1.1),
	// when it is ASCII: the header says no charset for it.
	if pre := oneLine(h.Preamble); isASCII(pre) {
		b.WriteString(pre + "\r\n")
	}
	b.WriteString("\r\n--" + boundary + "\r\n")
	// The table of contents: text/plain said outright, since the default
	// in a digest is message/rfc822.
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(tableOfContents(subject, oneLine(h.Contents), posts)))
	if err := qp.Close(); err != nil {
		return nil, err
	}
	for _, p := range posts {
		b.WriteString("\r\n--" + boundary + "\r\n\r\n")
		b.Write(p.Data)
		if !bytes.HasSuffix(p.Data, []byte("\r\n")) {
			b.WriteString("\r\n")
		}
	}
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return b.Bytes(), nil
}

// digestBoundary is a random boundary that no post holds (RFC 2046
// §5.1.1: it must not occur in the parts).
func digestBoundary(posts []groups.DigestPost) (string, error) {
	for {
		id := make([]byte, 18)
		if _, err := rand.Read(id); err != nil {
			return "", err
		}
		boundary := "=_digest_" + hex.EncodeToString(id)
		clash := false
		for _, p := range posts {
			clash = clash || bytes.Contains(p.Data, []byte(boundary))
		}
		if !clash {
			return boundary, nil
		}
	}
}

// tableOfContents lists each post's subject, author and date, as its
// header gives them (RFC 2047 words decoded).
func tableOfContents(title, heading string, posts []groups.DigestPost) string {
	var b strings.Builder
	b.WriteString(title + "\r\n\r\n" + heading + "\r\n\r\n")
	for i, p := range posts {
		subject, from, date := postSummary(p)
		fmt.Fprintf(&b, "%d. %s\r\n    %s, %s\r\n", i+1, subject, from, date)
	}
	return b.String()
}

// postSummary reads a post's Subject, From and Date; a missing or broken
// field reads "(none)", and a missing Date is the time it was received.
func postSummary(p groups.DigestPost) (subject, from, date string) {
	h, err := textprotoHeader(p.Data)
	dec := new(mime.WordDecoder)
	field := func(name string) string {
		if err != nil {
			return ""
		}
		v := h.Get(name)
		if d, err := dec.DecodeHeader(v); err == nil {
			v = d
		}
		return oneLine(strings.TrimSpace(v))
	}
	subject, from, date = field("Subject"), field("From"), p.Received.UTC().Format(time.RFC1123Z)
	if t, err := mail.ParseDate(field("Date")); err == nil {
		date = t.Format(time.RFC1123Z)
	}
	if a, err := mail.ParseAddress(from); err == nil {
		from = a.String()
		if a.Name != "" {
			from = a.Name + " <" + a.Address + ">"
		}
	}
	if subject == "" {
		subject = "(no subject)"
	}
	if from == "" {
		from = "(unknown)"
	}
	return subject, from, date
}

// textprotoHeader parses the header block of a message.
func textprotoHeader(data []byte) (mail.Header, error) {
	m, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		return nil, err
	}
	return m.Header, nil
}
