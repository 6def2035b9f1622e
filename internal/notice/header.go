package notice

import (
	"encoding/base64"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// wordBytes bounds the text of one encoded-word: 30 octets are 40 in
// base64, and with "=?utf-8?b?" and "?=" 52, within RFC 2047 §2's 75 and
// short enough that a header line folds before 78 octets after any field
// name this package writes.
const wordBytes = 30

// encodeText encodes an unstructured header value (RFC 5322 §3.2.5:
// Subject, a display name) for a header: runs of words that are not
// plain ASCII, or too long to fold, become RFC 2047 encoded-words of at
// most wordBytes octets each, separated by spaces where go-message's
// writer folds the line. Plain words stay readable.
func encodeText(s string) string {
	words := strings.Split(s, " ")
	var out []string
	var run []string // words to encode together, with their spaces
	flush := func() {
		if len(run) > 0 {
			out = append(out, encodeWords(strings.Join(run, " ")))
			run = nil
		}
	}
	for _, w := range words {
		// An empty word (two spaces in a row) joins a run, so that its
		// space survives: between encoded-words spaces are dropped
		// (RFC 2047 §6.2).
		if needsEncoding(w) || (len(run) > 0 && w == "") {
			run = append(run, w)
			continue
		}
		flush()
		out = append(out, w)
	}
	flush()
	return strings.Join(out, " ")
}

// needsEncoding: a word with a byte outside printable ASCII (RFC 5322
// §3.2.5 text is printable ASCII), one that looks like an encoded-word
// already, or one too long to fold at 78 octets.
func needsEncoding(w string) bool {
	if len(w) > wordBytes*2 || strings.Contains(w, "=?") {
		return true
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 0x21 || w[i] > 0x7e {
			return true
		}
	}
	return false
}

// encodeWords is s as "B" encoded-words (RFC 2047 §4.1), each holding
// whole characters (§5: a character is never split between words).
func encodeWords(s string) string {
	var words []string
	for len(s) > 0 {
		n := 0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n+size > wordBytes && n > 0 {
				break
			}
			n += size
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}

// address formats a mailbox (RFC 5322 §3.4) with its display name
// encoded when it needs to be (RFC 2047 §5(3): an encoded-word may stand
// for a word of a phrase), else quoted as net/mail does.
func address(a *mail.Address) string {
	name := strings.Join(strings.Fields(a.Name), " ")
	if name == "" || !strings.ContainsFunc(name, func(r rune) bool { return r >= 0x80 }) && len(name) <= wordBytes*2 {
		return (&mail.Address{Name: name, Address: a.Address}).String()
	}
	return encodeWords(name) + " <" + a.Address + ">"
}
