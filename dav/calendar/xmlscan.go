package calendar

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// The pieces of XML that scanMultiget (hrefscan.go) reads itself: the
// declaration, the root's start tag, the extent of other elements. What
// they let through that is not well-formed, encoding/xml refuses later.

// skipDecl skips the XML declaration at b[i], if any (XML 1.0 §2.8):
// version 1.0, then an encoding UTF-8 and a standalone if given, as
// clients write it (vdirsyncer and DAVx5 put a space before "?>"); ok
// is false for any other.
func skipDecl(b []byte, i int) (int, bool) {
	if !bytes.HasPrefix(b[i:], []byte("<?")) {
		return i, true
	}
	j := bytes.Index(b[i:], []byte("?>"))
	if j < 6 || string(b[i+2:i+5]) != "xml" || !isSpace(b[i+5]) {
		return 0, false
	}
	fs := bytes.FieldsFunc(b[i+5:i+j], func(r rune) bool { return r < utf8.RuneSelf && isSpace(byte(r)) })
	if len(fs) == 0 || !declParam(fs[0], "version", "1.0") {
		return 0, false
	}
	fs = fs[1:]
	if len(fs) > 0 && declParam(fs[0], "encoding", "utf-8") {
		fs = fs[1:]
	}
	if len(fs) > 0 && (declParam(fs[0], "standalone", "yes") || declParam(fs[0], "standalone", "no")) {
		fs = fs[1:]
	}
	if len(fs) > 0 {
		return 0, false
	}
	return i + j + 2, true
}

// declParam reports whether f is name="value" or name='value', the value
// in any case (encoding/xml takes "UTF-8" so).
func declParam(f []byte, name, value string) bool {
	n := len(name)
	if len(f) != n+3+len(value) || string(f[:n]) != name || f[n] != '=' {
		return false
	}
	q := f[n+1]
	return (q == '"' || q == '\'') && f[len(f)-1] == q && strings.EqualFold(string(f[n+2:len(f)-1]), value)
}

// rootTag reads the root's start tag: its name and the namespaces it
// declares (prefix "" for the default one). Other attributes are left to
// encoding/xml (the tag is part of the document parseMultigetXML reads).
func rootTag(tag []byte) (name string, ns map[string]string, ok bool) {
	name = tagName(tag, 1)
	if name == "" {
		return "", nil, false
	}
	ns = map[string]string{}
	for i := 1 + len(name); ; {
		j := skipSpace(tag, i)
		if j == len(tag)-1 { // the final '>'
			return name, ns, true
		}
		k := j
		for k < len(tag) && tag[k] != '=' && tag[k] != '>' && !isSpace(tag[k]) {
			k++
		}
		if j == i || k+1 >= len(tag) || tag[k] != '=' || (tag[k+1] != '"' && tag[k+1] != '\'') {
			return "", nil, false
		}
		e := bytes.IndexByte(tag[k+2:], tag[k+1])
		if e < 0 {
			return "", nil, false
		}
		attr, val := string(tag[j:k]), tag[k+2:k+2+e]
		i = k + 3 + e
		prefix, isNS := strings.CutPrefix(attr, "xmlns:")
		if attr == "xmlns" {
			prefix = ""
		} else if !isNS {
			continue
		}
		if _, dup := ns[prefix]; dup || attr == "xmlns:" || strings.Contains(prefix, ":") ||
			prefix == "xml" || prefix == "xmlns" || !plainValue(val) {
			return "", nil, false
		}
		ns[prefix] = string(val)
	}
}

// plainValue: printable ASCII, no reference, no '<'.
func plainValue(v []byte) bool {
	for _, c := range v {
		if c < 0x20 || c > 0x7e || c == '&' || c == '<' {
			return false
		}
	}
	return true
}

// tagName is the name of the tag whose name starts at b[i].
func tagName(b []byte, i int) string {
	j := i
	for j < len(b) && b[j] != '>' && b[j] != '/' && !isSpace(b[j]) {
		j++
	}
	return string(b[i:j])
}

// tagEnd returns the index past the '>' of the tag at b[i] == '<' and
// whether it is an empty-element tag; -1 when a '<' or the end of b
// comes first (outside quoted values).
func tagEnd(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '"', '\'':
			k := bytes.IndexByte(b[j+1:], b[j])
			if k < 0 {
				return -1, false
			}
			j += k + 1
		case '<':
			return -1, false
		case '>':
			return j + 1, b[j-1] == '/'
		}
	}
	return -1, false
}

// elementEnd returns the index past the element whose start tag is at
// b[i], counting tags only (encoding/xml checks the rest); -1 for a
// comment, CDATA, processing instruction or an unfinished element.
func elementEnd(b []byte, i int) int {
	for depth := 0; ; {
		k := bytes.IndexByte(b[i:], '<')
		if k < 0 || i+k+1 >= len(b) {
			return -1
		}
		i += k
		switch b[i+1] {
		case '!', '?':
			return -1
		case '/':
			e := bytes.IndexByte(b[i:], '>')
			if e < 0 {
				return -1
			}
			i += e + 1
			depth--
		default:
			e, empty := tagEnd(b, i)
			if e < 0 {
				return -1
			}
			i = e
			if !empty {
				depth++
			}
		}
		if depth <= 0 {
			return i
		}
	}
}

// endTag returns the index past the end tag </name> at b[i], white
// space allowed before its '>'.
func endTag(b []byte, i int, name string) (int, bool) {
	j := i + 2 + len(name)
	if j > len(b) || b[i+1] != '/' || string(b[i+2:j]) != name {
		return 0, false
	}
	j = skipSpace(b, j)
	if j >= len(b) || b[j] != '>' {
		return 0, false
	}
	return j + 1, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// nameStart: an ASCII letter or '_' (others are left to encoding/xml).
func nameStart(c byte) bool { return c == '_' || c|0x20 >= 'a' && c|0x20 <= 'z' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
