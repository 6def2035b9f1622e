package web

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"strings"
	"time"
	"unicode/utf8"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"groupd/groups"
)

// msgPost is one archived post as the Messages tab shows it. Nothing of
// it is ever rendered as HTML: the body is plain text (an HTML-only post
// is turned into text first) and html/template escapes every field.
type msgPost struct {
	GroupID   string
	UID       int64
	Received  time.Time
	From      string // the author's display name, else the address
	Address   string
	Subject   string
	MessageID string   // without angle brackets
	Refs      []string // References then In-Reply-To (RFC 5322 §3.6.4)
	Norm      string   // normalised subject, the threading fallback
	Reply     bool     // the subject says "Re:"
	Body      string
	Truncated bool // the body was cut at maxBodyText
	FromHTML  bool // the body was HTML, shown as text
	Parts     []msgPart
}

// msgPart is an attachment: leaf N of the message's MIME tree (depth
// first, counted from 0), which the download route finds again.
type msgPart struct {
	N    int
	Name string
	Type string
	Size int64
}

// maxBodyText bounds the text shown for one post.
const maxBodyText = 256 << 10

// parsePostHeader reads the header fields of an archived post; data is
// its header block or the whole message.
func parsePostHeader(p groups.ArchivedPost) *msgPost {
	m := &msgPost{UID: p.UID, Received: p.Received}
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(p.Data)))
	if err != nil && h.Len() == 0 {
		return m
	}
	m.setHeader(mail.Header{Header: gomessage.Header{Header: h}})
	return m
}

func (m *msgPost) setHeader(h mail.Header) {
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		m.From, m.Address = from[0].Name, from[0].Address
	}
	if m.From == "" {
		m.From = m.Address
	}
	m.Subject, _ = h.Subject()
	m.Subject = strings.TrimSpace(strings.ToValidUTF8(m.Subject, "\uFFFD"))
	m.MessageID, _ = h.MessageID()
	refs, _ := h.MsgIDList("References")
	irt, _ := h.MsgIDList("In-Reply-To")
	m.Refs = append(refs, irt...)
	m.Norm, m.Reply = normSubject(m.Subject)
}

// parsePost reads an archived post whole: header, text and attachments.
func parsePost(p *groups.ArchivedPost) *msgPost {
	m := parsePostHeader(groups.ArchivedPost{UID: p.UID, Received: p.Received, Data: p.Data})
	var text, html string
	var textTrunc, htmlTrunc bool
	walkLeaves(p.Data, func(n int, e *gomessage.Entity, err error) bool {
		ct, params, _ := e.Header.ContentType()
		if ct == "" {
			ct = "text/plain"
		}
		if name, ok := attachmentName(e, ct); ok {
			size, _ := io.Copy(io.Discard, e.Body)
			m.Parts = append(m.Parts, msgPart{N: n, Name: name, Type: ct, Size: size})
			return true
		}
		switch {
		case ct == "text/plain" && text == "":
			text, textTrunc = readText(e.Body, params["charset"], err)
		case ct == "text/html" && html == "":
			html, htmlTrunc = htmlToText(e.Body, params["charset"], err)
		}
		return true
	})
	m.Body, m.Truncated = text, textTrunc
	if strings.TrimSpace(text) == "" && html != "" {
		m.Body, m.Truncated, m.FromHTML = html, htmlTrunc, true
	}
	m.Body = strings.Trim(m.Body, "\r\n")
	return m
}

// walkLeaves calls fn for every leaf of the message's MIME tree (RFC
// 2046 §5.1), numbered depth first from 0, until fn returns false. err is
// an unknown charset or transfer encoding of that part: its body is then
// as far decoded as go-message could.
func walkLeaves(data []byte, fn func(n int, e *gomessage.Entity, err error) bool) {
	e, err := gomessage.Read(bytes.NewReader(data))
	if e == nil {
		return
	}
	n := 0
	stop := errors.New("stop")
	e.Walk(func(_ []int, part *gomessage.Entity, perr error) error {
		if part == nil {
			return nil
		}
		if perr == nil && part == e {
			perr = err
		}
		if ct, _, _ := part.Header.ContentType(); strings.HasPrefix(ct, "multipart/") {
			return nil
		}
		n++
		if !fn(n-1, part, perr) {
			return stop
		}
		return nil
	})
}

// attachmentName says whether a leaf is an attachment rather than the
// text of the post, and its file name: what is marked attachment (RFC
// 2183), has a file name, or is not text.
func attachmentName(e *gomessage.Entity, ct string) (string, bool) {
	disp, dparams, _ := e.Header.ContentDisposition()
	_, cparams, _ := e.Header.ContentType()
	name := dparams["filename"]
	if name == "" {
		name = cparams["name"]
	}
	name = cleanFileName(name)
	isText := ct == "text/plain" || ct == "text/html"
	if disp != "attachment" && name == "" && isText {
		return "", false
	}
	if name == "" {
		name = "attachment"
		if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
			name += exts[0]
		}
		if ct == "message/rfc822" {
			name = "message.eml"
		}
	}
	return name, true
}

// cleanFileName keeps a sender's file name from naming a path or
// carrying control characters.
func cleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, ". ")
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	return name
}

// readText reads a text part's body as UTF-8, at most maxBodyText bytes.
// go-message decodes UTF-8 and US-ASCII; a part whose charset it does
// not know (cerr) is read as Latin-1 when it says so, else with invalid
// bytes replaced.
func readText(r io.Reader, charset string, cerr error) (string, bool) {
	b, _ := io.ReadAll(io.LimitReader(r, maxBodyText+1))
	trunc := len(b) > maxBodyText
	if trunc {
		b = b[:maxBodyText]
	}
	if cerr != nil && gomessage.IsUnknownCharset(cerr) && isLatin1(charset) {
		rs := make([]rune, len(b))
		for i, c := range b {
			rs[i] = rune(c)
		}
		return string(rs), trunc
	}
	return strings.ToValidUTF8(string(b), "\uFFFD"), trunc
}

func isLatin1(charset string) bool {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "latin1", "iso_8859-1", "windows-1252", "cp1252":
		return true
	}
	return false
}
