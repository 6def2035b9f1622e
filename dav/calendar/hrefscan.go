package calendar

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// scanMultiget reads the calendar-multiget that clients send (an
// optional XML declaration, the root element with its namespace
// declarations, a DAV:prop and hundreds of plain <d:href>path</d:href>)
// without encoding/xml, which spent about 1 µs per href. It takes the
// hrefs itself and hands the root's start tag with its other children
// (DAV:prop, allprop, ...) to parseMultigetXML, a document of a few
// hundred bytes that encoding/xml checks in full.
//
// ok is false for anything else: a comment, CDATA section, processing
// instruction or DOCTYPE; an entity or character reference, a CR, a
// control character or "]]>" in an href; an href element with attributes
// or in a namespace other than DAV: as declared on the root;
// text beside the root's children; anything after the root. The caller
// then parses the whole body with encoding/xml. When ok, the result is
// the one parseMultigetXML gives (FuzzScanMultiget checks it).
func scanMultiget(body []byte) (mg multigetBody, ok bool) {
	i, ok := skipDecl(body, skipSpace(body, 0))
	if !ok {
		return mg, false
	}
	i = skipSpace(body, i)
	if i >= len(body) || body[i] != '<' {
		return mg, false
	}
	end, empty := tagEnd(body, i)
	if end < 0 || empty {
		return mg, false
	}
	root := body[i:end]
	rootName, ns, ok := rootTag(root)
	if !ok {
		return mg, false
	}
	text := string(body) // one copy: the hrefs are parts of it
	var rest []byte      // the root's other children
	for i = end; ; {
		i = skipSpace(body, i)
		if i+1 >= len(body) || body[i] != '<' {
			return mg, false
		}
		switch body[i+1] {
		case '/': // the root's end tag, then only white space
			j, ok := endTag(body, i, rootName)
			if !ok || skipSpace(body, j) != len(body) {
				return mg, false
			}
			mini := make([]byte, 0, len(root)+len(rest)+len(rootName)+3)
			mini = append(append(append(append(append(mini, root...), rest...), "</"...), rootName...), '>')
			m, err := parseMultigetXML(mini)
			if err != nil || m.hrefs != nil {
				return mg, false
			}
			mg.q = m.q
			return mg, true
		case '!', '?':
			return mg, false
		}
		name := tagName(body, i+1)
		if name == "href" || strings.HasSuffix(name, ":href") {
			h, j, ok := scanHref(body, text, i, name, ns)
			if !ok {
				return mg, false
			}
			mg.hrefs = append(mg.hrefs, h)
			i = j
			continue
		}
		j := elementEnd(body, i)
		if j < 0 {
			return mg, false
		}
		rest = append(rest, body[i:j]...)
		i = j
	}
}

// scanHref reads the element <name>text</name> at b[i] (text is b as a
// string), a DAV:href when name's prefix is bound to DAV: on the root
// (ns), and returns its text without surrounding white space, as
// charData and parseMultigetXML do, and the index past it.
func scanHref(b []byte, text string, i int, name string, ns map[string]string) (string, int, bool) {
	prefix := strings.TrimSuffix(name, ":href")
	if name == "href" {
		prefix = ""
	} else if prefix == "" || strings.Contains(prefix, ":") || !nameStart(prefix[0]) {
		return "", 0, false // a name encoding/xml reads otherwise, or refuses
	}
	if v, ok := ns[prefix]; !ok || v != nsDAV {
		return "", 0, false
	}
	start := i + 1 + len(name)
	if start >= len(b) || b[start] != '>' {
		return "", 0, false
	}
	start++
	k := bytes.IndexByte(b[start:], '<')
	if k < 0 || !plainText(b[start:start+k]) {
		return "", 0, false
	}
	e := start + k
	j, ok := endTag(b, e, name)
	if !ok {
		return "", 0, false
	}
	return strings.TrimSpace(text[start:e]), j, true
}

// plainText reports whether t is character data that encoding/xml would
// return as it is: no reference, no CR (turned into LF), only characters
// XML allows (XML 1.0 §2.2), no "]]>" (§2.4).
func plainText(t []byte) bool {
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case c == '&' || c == '\r' || c < 0x20 && c != '\t' && c != '\n':
			return false
		case c == '>' && i >= 2 && t[i-1] == ']' && t[i-2] == ']':
			return false
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(t[i:])
			if r == utf8.RuneError && n == 1 || r > 0xD7FF && r < 0xE000 || r == 0xFFFE || r == 0xFFFF {
				return false
			}
			i += n
			continue
		}
		i++
	}
	return true
}
