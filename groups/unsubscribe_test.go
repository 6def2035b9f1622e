package groups

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// unsubFixture: group "team" (master a, member b; external x and y, and
// b's address listed as external too); the clock is *now.
func unsubFixture(t *testing.T) (*Store, *time.Time) {
	t.Helper()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	o := testOptions(t)
	o.Now = func() time.Time { return now }
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	addUsers(t, s, "a@example.test", "b@example.test")
	mustGroup(t, s, admin, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"a@example.test"}, Members: []string{"b@example.test"},
		MailingList: &ListSpec{ExternalMembers: &[]string{"x@other.example", "y@other.example", "b@example.test"}}})
	return s, &now
}

// postTokens accepts a post from master a and returns the unsubscribe
// token of each of its queue rows by recipient, as the queue claims them.
func postTokens(t *testing.T, s *Store, now time.Time) map[string]string {
	t.Helper()
	ctx := context.Background()
	p := post("a@example.test", true)
	if err := s.AcceptPosts(ctx, []*Post{p}); err != nil || p.Err != nil {
		t.Fatal(err, p.Err)
	}
	unbundleAll(t, s)
	items, err := s.DueOutbound(ctx, now, 100, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, it := range items {
		if it.OID == items[len(items)-1].OID {
			out[it.Rcpt] = it.Unsubscribe
		}
	}
	return out
}

// TestUnsubscribeTokens: the queue rows of external addresses carry a
// token each, members' rows none (b, listed as external too, is a
// member); a token names its address and list; a forged, altered or
// malformed one is missing, by link and by mail alike.
func TestUnsubscribeTokens(t *testing.T) {
	s, now := unsubFixture(t)
	ctx := context.Background()
	// Before any token is signed there is no key: every token is
	// missing, and checking one (in a write transaction) makes none.
	if _, err := s.Unsubscribe(ctx, "1"+strings.Repeat("a", unsubMACLen), UnsubscribeWeb); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a token before any key: %v", err)
	}
	tok := postTokens(t, s, *now)
	if len(tok) != 4 || tok["a@example.test"] != "" || tok["b@example.test"] != "" ||
		tok["x@other.example"] == "" || tok["y@other.example"] == "" || tok["x@other.example"] == tok["y@other.example"] {
		t.Fatalf("tokens %v", tok)
	}
	x := tok["x@other.example"]
	if x != strings.ToLower(x) || len(x) > 40 {
		t.Fatalf("token %q: not lower case, or too long for a local part", x)
	}
	u, err := s.LookupUnsubscribe(ctx, x)
	if err != nil || u.Address != "x@other.example" || u.List != "team@lists.example.test" || u.GroupName != "Team" {
		t.Fatalf("lookup: %+v %v", u, err)
	}
	y := tok["y@other.example"]
	alt := byte('a')
	if x[len(x)-1] == 'a' {
		alt = 'b'
	}
	forged := []string{x[:len(x)-1] + string(alt), y[:len(y)-unsubMACLen] + x[len(x)-unsubMACLen:], "", "x", "zzzz" + x, strings.Repeat("a", 60)}
	for _, f := range forged {
		if _, err := s.LookupUnsubscribe(ctx, f); !errors.Is(err, ErrNotFound) {
			t.Errorf("forged %q: %v", f, err)
		}
		if _, err := s.ResolveMailAddress(ctx, "team-unsubscribe+"+f+"@lists.example.test", Sender{Address: "z@else.example"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("forged mailto %q: %v", f, err)
		}
	}
	mt, err := s.ResolveMailAddress(ctx, "team-unsubscribe+"+x+"@lists.example.test", Sender{Address: "z@else.example"})
	if err != nil || mt.Kind != MailUnsubscribe || mt.Token != x || mt.List != "team@lists.example.test" {
		t.Fatalf("mailto: %+v %v", mt, err)
	}
	if _, err := s.Unsubscribe(ctx, forged[0], UnsubscribeWeb); !errors.Is(err, ErrNotFound) {
		t.Fatalf("forged unsubscribe: %v", err)
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM list_addresses WHERE kind = 'external'`); n != 3 {
		t.Fatalf("a forged token changed the list: %d external addresses", n)
	}
}

// TestUnsubscribeRemoves: a token removes its address at once and only
// it; the next post does not go to it; the token is then stale. A
// removed address added back gets a new token and the old one removes
// nothing; an address kept across an edit keeps its token.
func TestUnsubscribeRemoves(t *testing.T) {
	s, now := unsubFixture(t)
	ctx := context.Background()
	tok := postTokens(t, s, *now)
	u, err := s.Unsubscribe(ctx, tok["x@other.example"], UnsubscribeWeb)
	if err != nil || u.Address != "x@other.example" {
		t.Fatalf("unsubscribe: %+v %v", u, err)
	}
	g, err := s.GetGroup(ctx, admin, "team")
	if err != nil || slices.Contains(g.MailingList.ExternalMembers, "x@other.example") ||
		!slices.Contains(g.MailingList.ExternalMembers, "y@other.example") {
		t.Fatalf("external members %v %v", g.MailingList.ExternalMembers, err)
	}
	if _, err := s.Unsubscribe(ctx, tok["x@other.example"], UnsubscribeWeb); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second use: %v", err)
	}
	next := postTokens(t, s, *now)
	if _, ok := next["x@other.example"]; ok || next["y@other.example"] != tok["y@other.example"] {
		t.Fatalf("after the removal: %v", next)
	}
	ext := []string{"x@other.example", "y@other.example", "b@example.test"}
	if _, err := s.UpdateGroup(ctx, user("a@example.test"), "team", GroupSpec{MailingList: &ListSpec{ExternalMembers: &ext}}); err != nil {
		t.Fatal(err)
	}
	again := postTokens(t, s, *now)
	if again["x@other.example"] == "" || again["x@other.example"] == tok["x@other.example"] || again["y@other.example"] != tok["y@other.example"] {
		t.Fatalf("re-added: old %v, new %v", tok, again)
	}
	if _, err := s.Unsubscribe(ctx, tok["x@other.example"], UnsubscribeWeb); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the old token removed the new subscription: %v", err)
	}
	if _, err := s.LookupUnsubscribe(ctx, again["x@other.example"]); err != nil {
		t.Fatalf("new token: %v", err)
	}
}

// TestUnsubscribeSummary: the masters get one summary per list naming
// every address removed since the last, at most one a day; each removal
// is summarised once.
func TestUnsubscribeSummary(t *testing.T) {
	s, now := unsubFixture(t)
	ctx := context.Background()
	tok := postTokens(t, s, *now)
	summaries := func() int { return queued(t, s, "notice", "a@example.test") }
	if n, err := s.SummariseUnsubscribes(ctx); err != nil || n != 0 || summaries() != 0 {
		t.Fatalf("nothing to summarise: %d %v", n, err)
	}
	if _, err := s.Unsubscribe(ctx, tok["x@other.example"], UnsubscribeWeb); err != nil {
		t.Fatal(err)
	}
	mt, err := s.ResolveMailAddress(ctx, "team-unsubscribe+"+tok["y@other.example"]+"@lists.example.test", Sender{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unsubscribe(ctx, mt.Token, UnsubscribeMail); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SummariseUnsubscribes(ctx); err != nil || n != 1 || summaries() != 1 {
		t.Fatalf("first summary: %d %v, %d notices", n, err, summaries())
	}
	var data []byte
	if err := s.rdb.QueryRow(`SELECT data FROM outbound WHERE kind = 'notice'`).Scan(&data); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"x@other.example", "y@other.example", "by the link", "by mail", "team@lists.example.test"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("summary lacks %q:\n%s", want, data)
		}
	}
	if n := countRows(t, s, `SELECT COUNT(*) FROM list_unsubscribes WHERE summarised = 0`); n != 0 {
		t.Fatalf("%d removals left unmarked", n)
	}
	if n, err := s.SummariseUnsubscribes(ctx); err != nil || n != 0 || summaries() != 1 {
		t.Fatalf("summarised twice: %d %v", n, err)
	}
	// b leaves as an external address too (an hour later): the next
	// summary waits for the day to pass.
	*now = now.Add(time.Hour)
	if _, err := s.Unsubscribe(ctx, unsubTokenFor(t, s, "b@example.test"), UnsubscribeWeb); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SummariseUnsubscribes(ctx); err != nil || n != 0 || summaries() != 1 {
		t.Fatalf("a second summary within the day: %d %v", n, err)
	}
	*now = now.Add(UnsubscribeSummaryEvery)
	if n, err := s.SummariseUnsubscribes(ctx); err != nil || n != 1 || summaries() != 2 {
		t.Fatalf("next day: %d %v, %d notices", n, err, summaries())
	}
}

// unsubTokenFor is the token of external address addr of group "team",
// as the store signs it (b, a member, gets none in mail).
func unsubTokenFor(t *testing.T, s *Store, addr string) string {
	t.Helper()
	var kid, gid int64
	if err := s.rdb.QueryRow(`SELECT kid, gid FROM list_unsub_keys WHERE address = ?`, addr).Scan(&kid, &gid); err != nil {
		t.Fatal(err)
	}
	secret, err := s.unsubSecret(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	return unsubToken(secret, kid, gid, addr)
}
