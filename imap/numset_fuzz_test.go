package imap

import (
	"encoding/binary"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
)

// FuzzIndices checks the resolution of sequence and UID sets against a
// mailbox: positions come out ascending, unique and in range; a position
// is in the answer exactly when its number (sequence number or UID) lies
// in one of the set's ranges, "*" being the last; batches cover the answer
// in order.
func FuzzIndices(f *testing.F) {
	f.Add(uint8(5), uint8(3), false, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	f.Add(uint8(9), uint8(2), true, []byte{4, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255})
	f.Add(uint8(0), uint8(1), false, []byte{})
	f.Fuzz(func(t *testing.T, n, gap uint8, uid bool, raw []byte) {
		sel := &selected{}
		u := uint32(0)
		for i := 0; i < int(n); i++ {
			u += 1 + uint32(gap)%7*uint32(i%3)
			sel.uids = append(sel.uids, u)
		}
		var ranges [][2]uint32
		for len(raw) >= 8 && len(ranges) < 64 {
			ranges = append(ranges, [2]uint32{binary.LittleEndian.Uint32(raw), binary.LittleEndian.Uint32(raw[4:])})
			raw = raw[8:]
		}
		var set goimap.NumSet
		if uid {
			var s goimap.UIDSet
			for _, r := range ranges {
				s = append(s, goimap.UIDRange{Start: goimap.UID(r[0]), Stop: goimap.UID(r[1])})
			}
			set = s
		} else {
			var s goimap.SeqSet
			for _, r := range ranges {
				s = append(s, goimap.SeqRange{Start: r[0], Stop: r[1]})
			}
			set = s
		}
		got := sel.indices(set)
		in := map[int]bool{}
		for k, p := range got {
			if p < 0 || p >= len(sel.uids) || (k > 0 && p <= got[k-1]) {
				t.Fatalf("positions %v not ascending, unique, within %d", got, len(sel.uids))
			}
			in[p] = true
		}
		for p := range sel.uids {
			num, star := uint32(p+1), uint32(len(sel.uids))
			if uid {
				num, star = sel.uids[p], sel.uids[len(sel.uids)-1]
			}
			want := false
			for _, r := range ranges {
				lo, hi := ordered(r[0], r[1], star)
				want = want || (lo <= num && num <= hi)
			}
			if in[p] != want {
				t.Fatalf("uids %v, set %v: position %d (number %d) in answer %v, want %v", sel.uids, ranges, p, num, in[p], want)
			}
		}
		var joined []int
		for _, b := range batches(got, 3) {
			if len(b) == 0 || len(b) > 3 {
				t.Fatalf("batch %v", b)
			}
			joined = append(joined, b...)
		}
		if len(joined) != len(got) {
			t.Fatalf("batches of %v lose positions", got)
		}
	})
}
