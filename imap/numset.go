package imap

import (
	"cmp"
	"slices"
	"sort"

	goimap "github.com/emersion/go-imap/v2"
)

// run is the positions lo ≤ p < hi in sel.uids (0-based).
type run struct{ lo, hi int }

// runs resolves a sequence set or UID set (RFC 9051 §9, sequence-set) into
// sorted, disjoint, non-touching runs of positions in sel.uids. "*" is the
// last message; a range may be given in either order ("5:2" is "2:5");
// numbers beyond the mailbox, and UIDs that name no message, name
// nothing. The set is never walked number by number: the cost is about
// ranges · log(ranges + mailbox), whatever the ranges cover, so that a
// client sending thousands of overlapping ranges gains nothing.
func (sel *selected) runs(set goimap.NumSet) []run {
	if goimap.IsSearchRes(set) { // "$", RFC 5182 §2.2
		return sel.savedRuns()
	}
	n := len(sel.uids)
	if n == 0 {
		return nil
	}
	var out []run
	switch set := set.(type) {
	case goimap.SeqSet:
		out = make([]run, 0, len(set))
		for _, r := range set {
			lo, hi := ordered(r.Start, r.Stop, uint32(n))
			if lo <= uint32(n) {
				out = append(out, run{int(lo) - 1, int(min(hi, uint32(n)))})
			}
		}
	case goimap.UIDSet:
		out = make([]run, 0, len(set))
		for _, r := range set {
			lo, hi := ordered(uint32(r.Start), uint32(r.Stop), sel.uids[n-1])
			first, _ := slices.BinarySearch(sel.uids, lo)
			end := sort.Search(n, func(i int) bool { return sel.uids[i] > hi })
			if first < end {
				out = append(out, run{first, end})
			}
		}
	}
	return merge(out)
}

// merge sorts runs in place and joins the ones that overlap or touch.
func merge(rs []run) []run {
	slices.SortFunc(rs, func(a, b run) int { return cmp.Compare(a.lo, b.lo) })
	out := rs[:0]
	for _, r := range rs {
		if k := len(out) - 1; k >= 0 && r.lo <= out[k].hi {
			out[k].hi = max(out[k].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

// intersect returns the positions in both a and b (both sorted and
// disjoint), in one pass over each.
func intersect(a, b []run) []run {
	var out []run
	for len(a) > 0 && len(b) > 0 {
		lo, hi := max(a[0].lo, b[0].lo), min(a[0].hi, b[0].hi)
		if lo < hi {
			out = append(out, run{lo, hi})
		}
		if a[0].hi < b[0].hi {
			a = a[1:]
		} else {
			b = b[1:]
		}
	}
	return out
}

// contains reports whether position p lies in the sorted runs rs.
func contains(rs []run, p int) bool {
	i := sort.Search(len(rs), func(i int) bool { return rs[i].hi > p })
	return i < len(rs) && rs[i].lo <= p
}

// expand lists the positions of the runs, ascending.
func expand(rs []run) []int {
	total := 0
	for _, r := range rs {
		total += r.hi - r.lo
	}
	out := make([]int, 0, total)
	for _, r := range rs {
		for p := r.lo; p < r.hi; p++ {
			out = append(out, p)
		}
	}
	return out
}

// indices turns a sequence set or UID set into positions in sel.uids
// (0-based, ascending, no repeats); see runs.
func (sel *selected) indices(set goimap.NumSet) []int {
	return expand(sel.runs(set))
}

// ordered resolves "*" (0) to star and puts a range in order.
func ordered(a, b, star uint32) (uint32, uint32) {
	if a == 0 {
		a = star
	}
	if b == 0 {
		b = star
	}
	if a > b {
		a, b = b, a
	}
	return a, b
}

// batches splits ascending positions into runs of at most size, for
// loading by UID range.
func batches(idx []int, size int) [][]int {
	var out [][]int
	for len(idx) > size {
		out = append(out, idx[:size])
		idx = idx[size:]
	}
	if len(idx) > 0 {
		out = append(out, idx)
	}
	return out
}

// uidsAt returns the UIDs at the given positions.
func (sel *selected) uidsAt(pos []int) []uint32 {
	out := make([]uint32, len(pos))
	for i, p := range pos {
		out[i] = sel.uids[p]
	}
	return out
}

// numFilter holds, for each SEARCH criteria node that has sequence or UID
// sets, the positions all of them allow (RFC 9051 §6.4.4: keys are ANDed).
// It is built once per SEARCH, so a message's test is a binary search.
type numFilter map[*goimap.SearchCriteria][]run

// compileSets fills f for c and the criteria nested in it.
func (sel *selected) compileSets(c *goimap.SearchCriteria, f numFilter) {
	if len(c.SeqNum)+len(c.UID) > 0 {
		rs := []run{{0, len(sel.uids)}}
		for _, set := range c.SeqNum {
			rs = intersect(rs, sel.runs(set))
		}
		for _, set := range c.UID {
			rs = intersect(rs, sel.runs(set))
		}
		f[c] = rs
	}
	for i := range c.Not {
		sel.compileSets(&c.Not[i], f)
	}
	for i := range c.Or {
		sel.compileSets(&c.Or[i][0], f)
		sel.compileSets(&c.Or[i][1], f)
	}
}

// allows reports whether c's sets, if any, include position p.
func (f numFilter) allows(c *goimap.SearchCriteria, p int) bool {
	rs, ok := f[c]
	return !ok || contains(rs, p)
}

// SEARCHRES (RFC 5182): SEARCH RETURN (SAVE …) keeps its result, as UIDs,
// for "$" in later commands of the same selection (FETCH, STORE, SEARCH,
// UID variants: sel.runs resolves it). A new selection starts with an
// empty result (§2.1); posts are never expunged, so saved UIDs stay valid.

// save keeps the result of a search at positions hits (ascending):
// only the lowest and highest when SAVE comes with MIN or MAX and
// neither ALL nor COUNT (RFC 5182 §2.1), otherwise all of it.
func (sel *selected) save(hits []int, o *goimap.SearchOptions) {
	sel.saved = nil
	if len(hits) == 0 {
		return
	}
	if o.ReturnAll || o.ReturnCount || (!o.ReturnMin && !o.ReturnMax) {
		sel.saved = make([]uint32, len(hits))
		for i, p := range hits {
			sel.saved[i] = sel.uids[p]
		}
		return
	}
	if o.ReturnMin {
		sel.saved = append(sel.saved, sel.uids[hits[0]])
	}
	if o.ReturnMax && (!o.ReturnMin || len(hits) > 1) {
		sel.saved = append(sel.saved, sel.uids[hits[len(hits)-1]])
	}
}

// savedRuns is "$" as runs of positions (RFC 5182 §2.2).
func (sel *selected) savedRuns() []run {
	var out []run
	for _, uid := range sel.saved {
		p, ok := slices.BinarySearch(sel.uids, uid)
		if !ok {
			continue
		}
		if k := len(out) - 1; k >= 0 && out[k].hi == p {
			out[k].hi++
			continue
		}
		out = append(out, run{p, p + 1})
	}
	return out
}
