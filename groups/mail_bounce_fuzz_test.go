package groups

import (
	"context"
	"errors"
	"testing"
	"time"

	"groupd/internal/listaddr"
)

// bounceFixture is a post to three external members, each sent in a
// transaction of its own, with the VERP token of each transaction.
type bounceFixture struct {
	s      *Store
	ext    []string
	tokens []string // tokens[i]: the transaction that carried ext[i] alone
}

func newBounceFixture(t testing.TB) *bounceFixture {
	t.Helper()
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "a@example.test")
	f := &bounceFixture{s: s, ext: []string{"x1@far.example", "x2@far.example", "y@near.example"}}
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"a@example.test"}, MailingList: &ListSpec{ExternalMembers: &f.ext}})
	p := &Post{List: "team@lists.example.test", Sender: "a@example.test", Data: []byte("Subject: x\r\n\r\nx\r\n")}
	if err := s.AcceptPosts(ctx, []*Post{p}); err != nil {
		t.Fatal(err)
	}
	unbundleAll(t, s)
	items, err := s.DueOutbound(ctx, time.Now(), 100, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	var d Delivery
	for _, e := range f.ext {
		for _, it := range items {
			if it.Rcpt != e {
				continue
			}
			var salt string
			if err := s.rdb.QueryRow(`SELECT salt FROM outbound WHERE oid = ?`, it.OID).Scan(&salt); err != nil {
				t.Fatal(err)
			}
			f.tokens = append(f.tokens, listaddr.VERPToken(it.RID, salt))
			d.Sent = append(d.Sent, it.RID)
			d.Carried = append(d.Carried, Carried{First: it.RID, Rows: []int64{it.RID}})
		}
	}
	if len(f.tokens) != len(f.ext) {
		t.Fatalf("rows %+v", items)
	}
	if err := s.FinishDelivery(ctx, d, 100); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *bounceFixture) counts(t testing.TB) []int {
	t.Helper()
	var out []int
	for _, e := range f.ext {
		hard, _, err := f.s.BounceState(context.Background(), "team", e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, hard)
	}
	return out
}

// FuzzRecordBounce sends fuzzed DSN recipients, status codes and tokens
// to the bounce recorder (issue 16 item 7). Properties: no panic; a
// bounce counts only for the recipient its token's transaction carried
// (named, or unnamed since it went alone), by one at most, and a post
// counts at most once per recipient however many reports come.
func FuzzRecordBounce(f *testing.F) {
	f.Add(uint8(0), "x1@far.example", "5.1.1", "")
	f.Add(uint8(0), "x2@far.example", "5.1.1", "")
	f.Add(uint8(1), "", "5.2.2", "")
	f.Add(uint8(2), "X1@FAR.EXAMPLE ", "5.1.1", "")
	f.Add(uint8(3), "y@near.example", "5.1.1", "1abcdef")
	f.Add(uint8(2), "y@near.example", "5.7.1", "")
	fx := newBounceFixture(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, pick uint8, rcpt, code, token string) {
		i := int(pick) % (len(fx.tokens) + 1)
		if i < len(fx.tokens) {
			token = fx.tokens[i]
		}
		before := fx.counts(t)
		err := fx.s.RecordBounce(ctx, token, rcpt, code, "diag", 100)
		if err != nil && !errors.Is(err, ErrNotFound) {
			t.Fatalf("RecordBounce: %v", err)
		}
		after := fx.counts(t)
		for j := range fx.ext {
			grew := after[j] - before[j]
			carried := i == j && (normAddr(rcpt) == "" || normAddr(rcpt) == fx.ext[j])
			if grew < 0 || grew > 1 || (grew == 1 && !carried) || after[j] > 1 {
				t.Fatalf("token %d, rcpt %q, code %q: %s went %d -> %d", i, rcpt, code, fx.ext[j], before[j], after[j])
			}
		}
	})
}
