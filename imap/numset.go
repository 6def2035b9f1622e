package imap

import (
	"sort"

	goimap "github.com/emersion/go-imap/v2"
)

// indices turns a sequence set or UID set into positions in sel.uids
// (0-based, ascending, no repeats). "*" is the last message; a range may be
// given in either order (RFC 3501 §9, seq-range). Numbers beyond the
// mailbox name nothing.
func (sel *selected) indices(set goimap.NumSet) []int {
	n := len(sel.uids)
	if n == 0 {
		return nil
	}
	mark := make([]bool, n)
	switch set := set.(type) {
	case goimap.SeqSet:
		for _, r := range set {
			lo, hi := ordered(r.Start, r.Stop, uint32(n))
			for i := lo; i <= hi && i <= uint32(n); i++ {
				if i > 0 {
					mark[i-1] = true
				}
			}
		}
	case goimap.UIDSet:
		for _, r := range set {
			lo, hi := ordered(uint32(r.Start), uint32(r.Stop), sel.uids[n-1])
			first := sort.Search(n, func(i int) bool { return sel.uids[i] >= lo })
			for i := first; i < n && sel.uids[i] <= hi; i++ {
				mark[i] = true
			}
		}
	}
	var out []int
	for i, m := range mark {
		if m {
			out = append(out, i)
		}
	}
	return out
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
