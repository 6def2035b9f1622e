package imap

import (
	"bytes"
	"strings"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// bodySection extracts BODY[section]<partial> (RFC 3501 §6.4.5). The
// whole message, its header and its text are cut from the archived bytes
// directly, so that they are byte-identical to what was archived; parts
// and header-field selections go through the library's MIME walk.
func bodySection(data []byte, bs *goimap.FetchItemBodySection) []byte {
	if len(bs.Part) == 0 && len(bs.HeaderFields) == 0 && len(bs.HeaderFieldsNot) == 0 {
		end := headerEnd(data)
		switch bs.Specifier {
		case goimap.PartSpecifierNone:
			return partial(data, bs.Partial)
		case goimap.PartSpecifierHeader:
			return partial(data[:end], bs.Partial)
		case goimap.PartSpecifierText:
			return partial(data[end:], bs.Partial)
		}
	}
	return imapserver.ExtractBodySection(bytes.NewReader(data), bs)
}

// headerEnd is the offset just past the blank line ending the header, or
// len(data) when there is none.
func headerEnd(data []byte) int {
	if i := bytes.Index(data, []byte("\r\n\r\n")); i >= 0 {
		if j := bytes.Index(data, []byte("\n\n")); j >= 0 && j < i {
			return j + 2
		}
		return i + 4
	}
	if j := bytes.Index(data, []byte("\n\n")); j >= 0 {
		return j + 2
	}
	return len(data)
}

// partial applies <offset.size> (RFC 3501 §6.4.5): an offset beyond the
// end gives the empty string.
func partial(b []byte, p *goimap.SectionPartial) []byte {
	if p == nil {
		return b
	}
	if p.Offset >= int64(len(b)) || p.Offset < 0 {
		return []byte{}
	}
	end := p.Offset + p.Size
	if end > int64(len(b)) || p.Size < 0 {
		end = int64(len(b))
	}
	return b[p.Offset:end]
}

func toFlags(list []string) []goimap.Flag {
	out := make([]goimap.Flag, len(list))
	for i, f := range list {
		out[i] = goimap.Flag(f)
	}
	return out
}

func fromFlags(list []goimap.Flag) []string {
	out := make([]string, len(list))
	for i, f := range list {
		out[i] = string(f)
	}
	return out
}

func hasFlag(list []string, f string) bool {
	for _, x := range list {
		if strings.EqualFold(x, f) {
			return true
		}
	}
	return false
}
