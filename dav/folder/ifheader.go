package folder

import "strings"

// ifTokens lists the state tokens an If: header submits (RFC 4918 §10.4):
// those inside a list, not negated with Not.
func ifTokens(h string) map[string]bool {
	out := map[string]bool{}
	depth := 0
	for i := 0; i < len(h); i++ {
		switch h[i] {
		case '(':
			depth++
		case ')':
			depth--
		case '[': // an entity tag: skip it
			if j := strings.IndexByte(h[i:], ']'); j > 0 {
				i += j
			}
		case '<':
			j := strings.IndexByte(h[i:], '>')
			if j < 0 {
				return out
			}
			if depth > 0 && !strings.HasSuffix(strings.TrimRight(h[:i], " \t"), "Not") {
				out[h[i+1:i+j]] = true
			}
			i += j
		}
	}
	return out
}

// absoluteTags makes the resource tags of an If: header that are bare
// paths (§10.4.2 allows them) absolute on host, which is what
// x/net/webdav compares tags against.
func absoluteTags(h, host string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case '<':
			if depth == 0 && i+1 < len(h) && h[i+1] == '/' {
				b.WriteString("<http://" + host)
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}
