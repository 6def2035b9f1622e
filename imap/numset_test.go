package imap

import (
	"math/rand/v2"
	"reflect"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
)

// randomMailbox has n messages with ascending UIDs and random gaps (UIDs
// of posts that another member's view never had).
func randomMailbox(r *rand.Rand, n int) *selected {
	sel := &selected{}
	u := uint32(0)
	for i := 0; i < n; i++ {
		u += 1 + uint32(r.IntN(4))
		sel.uids = append(sel.uids, u)
	}
	return sel
}

// randomRanges draws ranges whose ends may be "*" (0), beyond the
// mailbox, or given high end first.
func randomRanges(r *rand.Rand, top uint32) [][2]uint32 {
	end := func() uint32 {
		switch r.IntN(8) {
		case 0:
			return 0
		case 1:
			return top + 1 + r.Uint32N(1000)
		default:
			return 1 + r.Uint32N(top+3)
		}
	}
	out := make([][2]uint32, r.IntN(10))
	for i := range out {
		out[i] = [2]uint32{end(), end()}
	}
	return out
}

func toSet(ranges [][2]uint32, uid bool) goimap.NumSet {
	if uid {
		s := goimap.UIDSet{}
		for _, r := range ranges {
			s = append(s, goimap.UIDRange{Start: goimap.UID(r[0]), Stop: goimap.UID(r[1])})
		}
		return s
	}
	s := goimap.SeqSet{}
	for _, r := range ranges {
		s = append(s, goimap.SeqRange{Start: r[0], Stop: r[1]})
	}
	return s
}

// naiveIndices is the definition, message by message and range by range.
func naiveIndices(sel *selected, ranges [][2]uint32, uid bool) []int {
	var out []int
	for p := range sel.uids {
		num, star := uint32(p+1), uint32(len(sel.uids))
		if uid {
			num, star = sel.uids[p], sel.uids[len(sel.uids)-1]
		}
		for _, r := range ranges {
			if lo, hi := ordered(r[0], r[1], star); lo <= num && num <= hi {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

func TestIndicesMatchNaive(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 9))
	for i := 0; i < 5000; i++ {
		sel := randomMailbox(r, r.IntN(40))
		uid := r.IntN(2) == 0
		top := uint32(len(sel.uids))
		if uid && top > 0 {
			top = sel.uids[top-1]
		}
		ranges := randomRanges(r, top)
		got, want := sel.indices(toSet(ranges, uid)), naiveIndices(sel, ranges, uid)
		if len(got) != 0 || len(want) != 0 {
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("uids %v, uid set %v, ranges %v: got %v, want %v", sel.uids, uid, ranges, got, want)
			}
		}
	}
}

// TestSearchSetsMatchNaive: SEARCH's compiled sets (ANDed at one level,
// nested under NOT) agree with checking every range of every set.
func TestSearchSetsMatchNaive(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 5))
	for i := 0; i < 2000; i++ {
		sel := randomMailbox(r, 1+r.IntN(40))
		seqA, seqB := randomRanges(r, uint32(len(sel.uids))), randomRanges(r, uint32(len(sel.uids)))
		uids := randomRanges(r, sel.uids[len(sel.uids)-1])
		c := &goimap.SearchCriteria{
			SeqNum: []goimap.SeqSet{toSet(seqA, false).(goimap.SeqSet)},
			Not: []goimap.SearchCriteria{{
				SeqNum: []goimap.SeqSet{toSet(seqB, false).(goimap.SeqSet)},
				UID:    []goimap.UIDSet{toSet(uids, true).(goimap.UIDSet)},
			}},
		}
		f := numFilter{}
		sel.compileSets(c, f)
		inA, inB, inU := member(naiveIndices(sel, seqA, false)), member(naiveIndices(sel, seqB, false)), member(naiveIndices(sel, uids, true))
		for p := range sel.uids {
			if got := f.allows(c, p); got != inA[p] {
				t.Fatalf("uids %v, set %v: position %d allowed %v", sel.uids, seqA, p, got)
			}
			if got, want := f.allows(&c.Not[0], p), inB[p] && inU[p]; got != want {
				t.Fatalf("uids %v, sets %v and UIDs %v: position %d allowed %v, want %v", sel.uids, seqB, uids, p, got, want)
			}
		}
	}
}

func member(pos []int) map[int]bool {
	m := map[int]bool{}
	for _, p := range pos {
		m[p] = true
	}
	return m
}

// TestHugeSetsStayCheap resolves sets a hostile client could send against
// a mailbox of a million messages: a million overlapping "1:*" ranges and
// half a million disjoint ones. Walking each range number by number (a
// million × a million steps) would not finish within go test's default
// ten-minute timeout; sorting and merging takes well under a second.
func TestHugeSetsStayCheap(t *testing.T) {
	if testing.Short() {
		t.Skip("large allocation")
	}
	const n = 1_000_000
	sel := &selected{uids: make([]uint32, n)}
	for i := range sel.uids {
		sel.uids[i] = uint32(2*i + 1)
	}
	overlap := make(goimap.SeqSet, n)
	star := make(goimap.UIDSet, n)
	for i := range overlap {
		overlap[i] = goimap.SeqRange{Start: 1, Stop: 0}
		star[i] = goimap.UIDRange{Start: 0, Stop: 1}
	}
	if got := sel.indices(overlap); len(got) != n || got[n-1] != n-1 {
		t.Fatalf("a million 1:* name %d messages, want %d", len(got), n)
	}
	if got := sel.indices(star); len(got) != n {
		t.Fatalf("a million UID *:1 name %d messages, want %d", len(got), n)
	}
	var odd goimap.UIDSet
	for u := uint32(1); u <= 2*n; u += 4 {
		odd = append(odd, goimap.UIDRange{Start: goimap.UID(u), Stop: goimap.UID(u)})
	}
	got := sel.indices(odd)
	if len(got) != n/2 || got[1] != 2 {
		t.Fatalf("every other UID names %d messages (%v…), want %d", len(got), got[:min(3, len(got))], n/2)
	}
	c := &goimap.SearchCriteria{SeqNum: []goimap.SeqSet{overlap, overlap}, UID: []goimap.UIDSet{odd}}
	f := numFilter{}
	sel.compileSets(c, f)
	if !f.allows(c, 2) || f.allows(c, 1) || len(f[c]) != n/2 {
		t.Fatalf("compiled sets: %d runs, want %d", len(f[c]), n/2)
	}
}
