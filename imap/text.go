package imap

import (
	"bufio"
	"bytes"
	"strings"

	goimap "github.com/emersion/go-imap/v2"
	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"groupd/groups"
)

// candidate is a message under SEARCH, with its header parsed on demand.
type candidate struct {
	m      *groups.ImapMessage
	header *mail.Header
	text   map[textKey]map[uint32]bool // UIDs matching each TEXT/BODY key
	nums   numFilter                   // positions each node's sets allow
	mods   modseqKeys                  // MODSEQ keys (condsearch.go)
}

func (c *candidate) parsedHeader() *mail.Header {
	if c.header == nil {
		h, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(c.m.Data)))
		c.header = &mail.Header{Header: gomessage.Header{Header: h}}
	}
	return c.header
}

// matchContent checks the HEADER, SENTBEFORE/SENTSINCE, BODY and TEXT keys
// (RFC 3501 §6.4.4).
func (c *candidate) matchContent(cr *goimap.SearchCriteria) bool {
	for _, f := range cr.Header {
		if !matchHeaderFields(c.parsedHeader().FieldsByKey(f.Key), f.Value) {
			return false
		}
	}
	if !cr.SentSince.IsZero() || !cr.SentBefore.IsZero() {
		t, err := c.parsedHeader().Date()
		if err != nil || t.IsZero() {
			t = c.m.Received // no usable Date: the internal date, as Dovecot does
		}
		if !matchDate(t, cr.SentSince, cr.SentBefore) {
			return false
		}
	}
	for _, t := range cr.Text {
		if !c.text[textKey{t, false}][c.m.UID] {
			return false
		}
	}
	for _, t := range cr.Body {
		if !c.text[textKey{t, true}][c.m.UID] {
			return false
		}
	}
	return true
}

// textKey names one TEXT (body false) or BODY (body true) key.
type textKey struct {
	text string
	body bool
}

// textSets asks the store's search index for every TEXT and BODY key in
// the criteria, once each.
func (s *session) textSets(c *goimap.SearchCriteria, sets map[textKey]map[uint32]bool) error {
	ask := func(k textKey) error {
		if _, ok := sets[k]; ok {
			return nil
		}
		m, err := s.srv.store.ImapTextMatches(s.ctx, s.actor, s.sel.mb.groupID, k.text, k.body)
		if err != nil {
			return s.lost(err)
		}
		sets[k] = m
		return nil
	}
	for _, t := range c.Text {
		if err := ask(textKey{t, false}); err != nil {
			return err
		}
	}
	for _, t := range c.Body {
		if err := ask(textKey{t, true}); err != nil {
			return err
		}
	}
	for i := range c.Not {
		if err := s.textSets(&c.Not[i], sets); err != nil {
			return err
		}
	}
	for i := range c.Or {
		for j := 0; j < 2; j++ {
			if err := s.textSets(&c.Or[i][j], sets); err != nil {
				return err
			}
		}
	}
	return nil
}

func matchHeaderFields(fields gomessage.HeaderFields, pattern string) bool {
	if pattern == "" {
		return fields.Len() > 0
	}
	pattern = strings.ToLower(pattern)
	for fields.Next() {
		v, err := fields.Text()
		if err != nil {
			v = fields.Value()
		}
		if strings.Contains(strings.ToLower(v), pattern) {
			return true
		}
	}
	return false
}
