package searchtext

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"strings"

	gomessage "github.com/emersion/go-message"
)

// MaxText caps the body text extracted per message.
const MaxText = 1 << 20

// Extract gives what SEARCH TEXT and BODY look in (RFC 3501 §6.4.4):
// the header with RFC 2047 words decoded, and the body's text decoded from
// its transfer encoding (every text part of a multipart message), both
// lower-cased with Unicode rules.
func Extract(data []byte) (header, body []byte) {
	end := headerEnd(data)
	defer func() {
		// Hostile MIME must never fail the post that carries it: index it raw.
		if recover() != nil {
			header, body = bytes.ToLower(data[:end]), bytes.ToLower(data[end:])
		}
	}()
	header = bytes.ToLower(decodeWords(data[:end]))
	if _, b, ok := decodeSinglePart(data); ok {
		body = b
	} else {
		body = decodeParts(data)
	}
	if len(body) > MaxText {
		body = body[:MaxText]
	}
	return header, bytes.ToLower(body)
}

// headerEnd is the offset just past the blank line ending the header,
// or len(data) when there is none.
func headerEnd(data []byte) int {
	i := bytes.Index(data, []byte("\r\n\r\n"))
	j := bytes.Index(data, []byte("\n\n"))
	switch {
	case j >= 0 && (i < 0 || j < i):
		return j + 2
	case i >= 0:
		return i + 4
	}
	return len(data)
}

// decodeSinglePart decodes the body of a message that is not
// multipart (most list posts) without a full MIME parse; ok is false when
// the message needs decodeParts.
func decodeSinglePart(data []byte) (header, body []byte, ok bool) {
	end := headerEnd(data)
	header, body = data[:end], data[end:]
	ctype := headerValue(header, "content-type")
	cte := strings.ToLower(strings.TrimSpace(headerValue(header, "content-transfer-encoding")))
	if ctype != "" {
		mt, _, err := mime.ParseMediaType(ctype)
		if err != nil || !strings.HasPrefix(mt, "text/") {
			return nil, nil, false
		}
	}
	switch cte {
	case "", "7bit", "8bit", "binary":
		return header, body, true
	case "quoted-printable":
		return header, decodeQP(body), true
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, body)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		return header, out[:n], err == nil
	}
	return nil, nil, false
}

// decodeParts walks a MIME message and joins its decoded text parts,
// with the decoded header values of every part; an unparsable message
// gives its raw body.
func decodeParts(data []byte) []byte {
	e, _ := gomessage.Read(bytes.NewReader(data)) // unknown charsets still give an entity
	if e == nil {
		return data[headerEnd(data):]
	}
	var out bytes.Buffer
	e.Walk(func(path []int, part *gomessage.Entity, err error) error {
		if err != nil || out.Len() > MaxText {
			return nil
		}
		if len(path) > 0 {
			for f := part.Header.Fields(); f.Next(); {
				v, err := f.Text()
				if err != nil {
					v = f.Value()
				}
				out.WriteString(f.Key() + ": " + v + "\n")
			}
		}
		t, _, _ := part.Header.ContentType()
		if part.MultipartReader() != nil || (t != "" && !strings.HasPrefix(t, "text/") && !strings.HasPrefix(t, "message/")) {
			return nil
		}
		io.Copy(&out, io.LimitReader(part.Body, MaxText))
		out.WriteByte('\n')
		return nil
	})
	return out.Bytes()
}

// decodeQP decodes quoted-printable (RFC 2045 §6.7) leniently: soft
// line breaks go, =XX becomes its byte, anything malformed stays as is.
func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '=' {
			switch {
			case i+1 < len(b) && b[i+1] == '\n':
				i++
				continue
			case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
				i += 2
				continue
			case i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
				out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
				i += 2
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// headerValue returns the first field named key with its folded lines
// joined, from a raw header.
func headerValue(header []byte, key string) string {
	lines := bytes.Split(header, []byte("\n"))
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		colon := bytes.IndexByte(l, ':')
		if colon < 0 || !strings.EqualFold(string(bytes.TrimSpace(l[:colon])), key) {
			continue
		}
		v := string(bytes.TrimSpace(l[colon+1:]))
		for i+1 < len(lines) && len(lines[i+1]) > 0 && (lines[i+1][0] == ' ' || lines[i+1][0] == '\t') {
			i++
			v += " " + string(bytes.TrimSpace(lines[i]))
		}
		return v
	}
	return ""
}

// decodeWords decodes RFC 2047 encoded words in a raw header; an
// undecodable header stays as it is.
func decodeWords(header []byte) []byte {
	if !bytes.Contains(header, []byte("=?")) {
		return header
	}
	dec := mime.WordDecoder{}
	s, err := dec.DecodeHeader(string(header))
	if err != nil {
		return header
	}
	return []byte(s)
}
