package imap

import (
	"strconv"

	goimap "github.com/emersion/go-imap/v2"
)

// modseqKeys are the MODSEQ search keys of a SEARCH (RFC 7162 §3.1.5), by
// the criteria node they belong to: a message matches when its
// mod-sequence is at least the value.
type modseqKeys map[*goimap.SearchCriteria]uint64

// takeModSeq moves the MODSEQ keys the guard wrote as HEADER keys
// (condrewrite.go) out of the criteria, at every depth.
func (t *extTable) takeModSeq(c *goimap.SearchCriteria, out modseqKeys) error {
	key := t.modseqKey()
	for i := 0; i < len(c.Header); i++ {
		h := c.Header[i]
		if h.Key != key {
			continue
		}
		n, err := strconv.ParseUint(h.Value, 10, 63)
		if err != nil {
			return &goimap.Error{Type: goimap.StatusResponseTypeBad, Code: goimap.ResponseCodeClientBug,
				Text: "MODSEQ needs a mod-sequence value (RFC 7162 §3.1.5)"}
		}
		out[c] = max(out[c], n)
		c.Header = append(c.Header[:i:i], c.Header[i+1:]...)
		i--
	}
	for i := range c.Not {
		if err := t.takeModSeq(&c.Not[i], out); err != nil {
			return err
		}
	}
	for i := range c.Or {
		for j := range c.Or[i] {
			if err := t.takeModSeq(&c.Or[i][j], out); err != nil {
				return err
			}
		}
	}
	return nil
}

// allows checks a message's mod-sequence against the node's MODSEQ key.
func (k modseqKeys) allows(c *goimap.SearchCriteria, m uint64) bool {
	want, ok := k[c]
	return !ok || m >= want
}
