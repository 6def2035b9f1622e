package imap

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Mailbox names in commands (issue 17, bug 1). go-imap decodes every
// mailbox argument as modified UTF-7 (RFC 3501 §5.1.3), even after
// ENABLE UTF8=ACCEPT, where names are UTF-8 and "&" is an ordinary
// character (RFC 6855 §3), and answers a name it cannot decode with
// NO [SERVERBUG]. The guard reads each command line first (guardConn):
//   - before UTF8=ACCEPT, a name that is not modified UTF-7 is answered
//     BAD [CLIENTBUG] with the reason;
//   - after it, a "&" that does not start a valid UTF-7 run is sent on
//     to go-imap as "&-", which it decodes back to "&": the name reaches
//     the session as the client spelled it.
//
// Names sent as literals pass unchecked (their bytes are not on the
// line); a refused command whose line ends in a non-synchronising literal
// ends the session with BYE, as the guard's other refusals do. The guard
// is above TLS on implicit-TLS listeners (ServeTLS) and goes on after
// STARTTLS, which it performs itself (guardtls.go).

// badName is the answer to a name that is not modified UTF-7.
const badName = "BAD [CLIENTBUG] Mailbox name %s is not valid modified UTF-7 (RFC 3501 §5.1.3): write & as &- or ENABLE UTF8=ACCEPT first (RFC 6855)"

// token is one argument on a command line: a quoted string or an atom
// (value unquoted), a parenthesis, or the start of a literal.
type token struct {
	start, end int // bytes of the line it spans
	value      string
	quoted     bool
	kind       byte // 'a' atom or quoted, '(' or ')', '{' literal
}

// commandArgs splits the arguments after the tag and command name (and
// after "UID <name>"), stopping at a literal or the end of the line.
func commandArgs(l []byte) (name string, args []token) {
	l = bytes.TrimRight(l, "\r\n")
	toks := tokens(l)
	if len(toks) < 2 || toks[1].kind != 'a' {
		return "", nil
	}
	name, args = strings.ToUpper(toks[1].value), toks[2:]
	if name == "UID" && len(args) > 0 && args[0].kind == 'a' {
		name, args = "UID "+strings.ToUpper(args[0].value), args[1:]
	}
	return name, args
}

// tokens scans l (RFC 3501 §4: atoms, quoted strings with \ escapes,
// parentheses, literals).
func tokens(l []byte) []token {
	var out []token
	for i := 0; i < len(l); {
		switch c := l[i]; {
		case c == ' ':
			i++
		case c == '(' || c == ')':
			out = append(out, token{start: i, end: i + 1, kind: c})
			i++
		case c == '{':
			return append(out, token{start: i, end: len(l), kind: '{'})
		case c == '"':
			t, ok := quotedToken(l, i)
			if !ok {
				return out
			}
			out, i = append(out, t), t.end
		default:
			j := i
			for j < len(l) && l[j] != ' ' && l[j] != '(' && l[j] != ')' {
				j++
			}
			out, i = append(out, token{start: i, end: j, value: string(l[i:j]), kind: 'a'}), j
		}
	}
	return out
}

func quotedToken(l []byte, i int) (token, bool) {
	var sb strings.Builder
	for j := i + 1; j < len(l); j++ {
		switch l[j] {
		case '\\':
			if j+1 < len(l) {
				j++
				sb.WriteByte(l[j])
			}
		case '"':
			return token{start: i, end: j + 1, value: sb.String(), quoted: true, kind: 'a'}, true
		default:
			sb.WriteByte(l[j])
		}
	}
	return token{}, false
}

// mailboxTokens picks the arguments of a command that are mailbox names
// or LIST patterns (RFC 3501 §9: select, examine, status, create,
// delete, subscribe, unsubscribe, append, rename, list, lsub, copy;
// RFC 5258 §3 LIST with selection options and several patterns; RFC
// 6851 MOVE).
func mailboxTokens(name string, args []token) []token {
	atoms := func(ts []token, n int) []token {
		var out []token
		for _, t := range ts {
			if t.kind != 'a' || len(out) == n {
				break
			}
			out = append(out, t)
		}
		return out
	}
	switch name {
	case "SELECT", "EXAMINE", "STATUS", "CREATE", "DELETE", "SUBSCRIBE", "UNSUBSCRIBE", "APPEND":
		return atoms(args, 1)
	case "RENAME", "LSUB":
		return atoms(args, 2)
	case "COPY", "MOVE", "UID COPY", "UID MOVE":
		if len(args) > 1 {
			return atoms(args[1:], 1)
		}
	case "LIST":
		return listTokens(args)
	}
	return nil
}

// listTokens: LIST [(select-opts)] ref (pattern | (patterns)) [RETURN ...].
func listTokens(args []token) []token {
	if len(args) > 0 && args[0].kind == '(' {
		for len(args) > 0 && args[0].kind != ')' {
			args = args[1:]
		}
		if len(args) > 0 {
			args = args[1:]
		}
	}
	if len(args) < 2 || args[0].kind != 'a' {
		return nil
	}
	out := []token{args[0]}
	if args[1].kind == 'a' {
		return append(out, args[1])
	}
	for _, t := range args[2:] {
		if t.kind != 'a' {
			break
		}
		out = append(out, t)
	}
	return out
}

// takesMailbox reports a command (upper case; "UID" for UID COPY and UID
// MOVE) that may have mailbox arguments, so that no other line is
// tokenised.
func takesMailbox(name string) bool {
	switch name {
	case "SELECT", "EXAMINE", "STATUS", "CREATE", "DELETE", "SUBSCRIBE", "UNSUBSCRIBE", "APPEND",
		"RENAME", "LSUB", "LIST", "COPY", "MOVE", "UID":
		return true
	}
	return false
}

// checkNames is what the guard does with a command line's mailbox
// names: the line to pass on (rewritten under UTF8=ACCEPT), or the
// answer when a name is invalid.
func checkNames(l []byte, utf8Mode bool) (line []byte, answer string) {
	name, args := commandArgs(l)
	var out []byte
	last := 0
	for _, t := range mailboxTokens(name, args) {
		if validUTF7(t.value) {
			continue
		}
		fixed := strings.ReplaceAll(t.value, "&", "&-")
		if !utf8Mode || !validUTF7(fixed) {
			return nil, strings.Replace(badName, "%s", strconv.Quote(t.value), 1)
		}
		out = append(append(out, l[last:t.start]...), quote(fixed)...)
		last = t.end
	}
	if out == nil {
		return l, ""
	}
	return append(out, l[last:]...), ""
}

// quote writes s as an IMAP quoted string (RFC 3501 §4.3).
func quote(s string) []byte {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return []byte(`"` + r.Replace(s) + `"`)
}

// validUTF7 reports whether go-imap can decode s as a mailbox name:
// modified UTF-7 (RFC 3501 §5.1.3) with raw UTF-8 also allowed, as the
// library allows it.
func validUTF7(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	shifted := false // the previous run was base64: "&..-&..-" is a null shift
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c != '&' {
			shifted = false
			continue
		}
		j := strings.IndexByte(s[i+1:], '-')
		if j < 0 {
			return false
		}
		if j > 0 && (shifted || !validB64Run(s[i+1:i+1+j])) {
			return false
		}
		shifted = j > 0
		i += j + 1
	}
	return true
}

// validB64Run checks one "&...-" run: modified base64 of UTF-16BE, whole
// surrogate pairs, and no character that must be written as itself.
func validB64Run(run string) bool {
	enc := base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,").WithPadding(base64.NoPadding)
	b, err := enc.DecodeString(run)
	if err != nil || len(b) == 0 || len(b)%2 == 1 {
		return false
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	for _, r := range utf16.Decode(u) { // a lone surrogate decodes as U+FFFD
		if r == utf8.RuneError || (r >= 0x20 && r <= 0x7e) {
			return false
		}
	}
	return true
}
