package imap

import (
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"groupd/groups"
)

// Search answers SEARCH and UID SEARCH (RFC 3501 §6.4.4) over the selected
// archive: sequence and UID sets, internal and sent dates, sizes, the
// user's flags, header fields, BODY and TEXT (case-insensitive substring,
// also inside base64 and quoted-printable parts). go-imap writes the
// result as SEARCH, or ESEARCH (RFC 4731 §3.1) after RETURN (…); SAVE
// keeps it for "$" (RFC 5182, searchres.go); SORT and THREAD come here
// rewritten by the guard (sortcmd.go).
func (s *session) Search(kind imapserver.NumKind, criteria *goimap.SearchCriteria, options *goimap.SearchOptions) (*goimap.SearchData, error) {
	if err := s.checkSelected(); err != nil {
		return nil, err
	}
	var req *extReq
	if s.guard != nil {
		req, _ = s.guard.ext.take(criteria)
	}
	if req != nil && req.err != "" {
		return nil, &goimap.Error{Type: goimap.StatusResponseTypeBad, Code: goimap.ResponseCodeClientBug, Text: req.err}
	}
	mods := modseqKeys{}
	if s.guard != nil {
		if err := s.guard.ext.takeModSeq(criteria, mods); err != nil {
			return nil, err
		}
	}
	hits, top, err := s.searchHits(criteria, mods)
	if options.ReturnSave {
		s.sel.save(hits, options) // empty when the search failed (RFC 5182 §2.1)
	}
	if err != nil {
		return nil, err
	}
	if len(mods) > 0 {
		s.enableCondstore() // RFC 7162 §3.1.8
		if len(hits) > 0 && (req == nil || req.kind == extSort) {
			// §3.1.5, §7 search-sort-mod-seq: the highest of the messages
			// found, on SEARCH, ESEARCH and SORT (THREAD has no place for it).
			s.cond().searchModSeq(top)
		}
	}
	if req != nil {
		return nil, s.extAnswer(kind, hits, req)
	}
	return s.sel.searchData(kind, hits), nil
}

// searchHits gives the positions of the messages that match, ascending.
// top is the highest mod-sequence among them when mods is not empty.
func (s *session) searchHits(criteria *goimap.SearchCriteria, mods modseqKeys) (hits []int, top uint64, err error) {
	sel := s.sel
	nums := numFilter{}
	sel.compileSets(criteria, nums)
	text := map[textKey]map[uint32]bool{}
	if sel.mb.groupID != "" {
		if err := s.textSets(criteria, text); err != nil {
			return nil, 0, err
		}
	}
	// Only the positions the top-level sets allow are loaded.
	rs, ok := nums[criteria]
	if !ok {
		rs = []run{{0, len(sel.uids)}}
	}
	all := expand(rs)
	level := searchLevel(criteria)
	for _, b := range batches(all, s.srv.opts.FetchBatch) {
		msgs, err := s.searchRows(b, level, len(mods) > 0 || needsRows(criteria))
		if err != nil {
			return nil, 0, err
		}
		for _, pos := range b {
			m := msgs[sel.uids[pos]]
			if m != nil && sel.match(pos, &candidate{m: m, text: text, nums: nums, mods: mods}, criteria) {
				hits = append(hits, pos)
				top = max(top, m.ModSeq)
			}
		}
	}
	return hits, top, nil
}

func (sel *selected) searchData(kind imapserver.NumKind, hits []int) *goimap.SearchData {
	data := &goimap.SearchData{Count: uint32(len(hits))}
	num := func(pos int) uint32 {
		if kind == imapserver.NumKindUID {
			return sel.uids[pos]
		}
		return uint32(pos + 1)
	}
	if len(hits) > 0 {
		data.Min, data.Max = num(hits[0]), num(hits[len(hits)-1])
	}
	if kind == imapserver.NumKindUID {
		set := goimap.UIDSet{}
		for _, p := range hits {
			set.AddNum(goimap.UID(num(p)))
		}
		data.All = set
	} else {
		set := goimap.SeqSet{}
		for _, p := range hits {
			set.AddNum(num(p))
		}
		data.All = set
	}
	return data
}

// searchRows loads the batch's messages, or, when the criteria look only
// at numbers and the search index, stands in UIDs for them.
func (s *session) searchRows(b []int, level groups.ImapData, rows bool) (map[uint32]*groups.ImapMessage, error) {
	if rows {
		return s.load(b, level)
	}
	out := make(map[uint32]*groups.ImapMessage, len(b))
	for _, p := range b {
		uid := s.sel.uids[p]
		out[uid] = &groups.ImapMessage{UID: uid}
	}
	return out, nil
}

// needsRows reports whether any key looks at a message's date, size,
// flags or header.
func needsRows(c *goimap.SearchCriteria) bool {
	if !c.Since.IsZero() || !c.Before.IsZero() || !c.SentSince.IsZero() || !c.SentBefore.IsZero() ||
		c.Larger != 0 || c.Smaller != 0 || len(c.Flag) > 0 || len(c.NotFlag) > 0 || len(c.Header) > 0 {
		return true
	}
	for i := range c.Not {
		if needsRows(&c.Not[i]) {
			return true
		}
	}
	for i := range c.Or {
		if needsRows(&c.Or[i][0]) || needsRows(&c.Or[i][1]) {
			return true
		}
	}
	return false
}

// searchLevel is how much of each message the criteria need.
func searchLevel(c *goimap.SearchCriteria) groups.ImapData {
	level := groups.ImapNoData // TEXT and BODY use the store's search index
	if len(c.Header) > 0 || !c.SentSince.IsZero() || !c.SentBefore.IsZero() {
		level = groups.ImapHeader
	}
	for i := range c.Not {
		level = max(level, searchLevel(&c.Not[i]))
	}
	for i := range c.Or {
		level = max(level, searchLevel(&c.Or[i][0]), searchLevel(&c.Or[i][1]))
	}
	return level
}

// match evaluates the criteria for the message at pos (RFC 3501 §6.4.4:
// all keys must match).
func (sel *selected) match(pos int, m *candidate, c *goimap.SearchCriteria) bool {
	if !m.nums.allows(c, pos) || !m.mods.allows(c, m.m.ModSeq) {
		return false
	}
	if !matchDate(m.m.Received, c.Since, c.Before) {
		return false
	}
	if (c.Larger != 0 && m.m.Size <= c.Larger) || (c.Smaller != 0 && m.m.Size >= c.Smaller) {
		return false
	}
	for _, f := range c.Flag {
		if !hasFlag(m.m.Flags, string(f)) {
			return false
		}
	}
	for _, f := range c.NotFlag {
		if hasFlag(m.m.Flags, string(f)) {
			return false
		}
	}
	if !m.matchContent(c) {
		return false
	}
	for i := range c.Not {
		if sel.match(pos, m, &c.Not[i]) {
			return false
		}
	}
	for i := range c.Or {
		if !sel.match(pos, m, &c.Or[i][0]) && !sel.match(pos, m, &c.Or[i][1]) {
			return false
		}
	}
	return true
}

// matchDate compares dates only, disregarding time and zone (RFC 3501
// §6.4.4, BEFORE/ON/SINCE).
func matchDate(t, since, before time.Time) bool {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if !since.IsZero() && t.Before(since) {
		return false
	}
	if !before.IsZero() && !t.Before(before) {
		return false
	}
	return true
}
