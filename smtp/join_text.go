package smtp

import (
	"errors"
	"io"
	"strings"

	gomessage "github.com/emersion/go-message"

	"groupd/groups"
)

// joinWords is what a join request says in its own words: the first
// text/plain part that is not an attachment (RFC 2046 §4.1, RFC 2183),
// decoded from its transfer encoding, at most groups.MaxJoinText bytes,
// and whether the part went on. HTML is never taken, even from a mail
// that has nothing else: a master reads the words as plain text.
func (m *message) joinWords() (string, bool) {
	e, err := gomessage.Read(m.reader())
	if e == nil {
		return "", false
	}
	var text []byte
	var found, more bool
	stop := errors.New("stop")
	e.Walk(func(_ []int, part *gomessage.Entity, perr error) error {
		if part == nil || !plainTextPart(part) {
			return nil
		}
		if part == e && perr == nil {
			perr = err
		}
		b, _ := io.ReadAll(io.LimitReader(part.Body, groups.MaxJoinText+1))
		text, more, found = b, len(b) > groups.MaxJoinText, true
		if perr != nil && gomessage.IsUnknownCharset(perr) {
			text = latin1(text, part)
		}
		return stop
	})
	if !found {
		return "", false
	}
	return string(text), more
}

// plainTextPart: a leaf of type text/plain (the default, RFC 2045 §5.2)
// that is not marked as an attachment and has no file name.
func plainTextPart(e *gomessage.Entity) bool {
	ct, cparams, _ := e.Header.ContentType()
	if ct == "" {
		ct = "text/plain"
	}
	disp, dparams, _ := e.Header.ContentDisposition()
	return ct == "text/plain" && disp != "attachment" && dparams["filename"] == "" && cparams["name"] == ""
}

// latin1 reads b as ISO-8859-1 (or its Windows superset, as far as they
// agree) when the part says so: go-message leaves charsets it does not
// know undecoded. Any other unknown charset is left as it is and made
// valid UTF-8 by the store.
func latin1(b []byte, e *gomessage.Entity) []byte {
	_, params, _ := e.Header.ContentType()
	switch strings.ToLower(params["charset"]) {
	case "iso-8859-1", "latin1", "iso_8859-1", "windows-1252", "cp1252":
	default:
		return b
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return []byte(string(rs))
}
