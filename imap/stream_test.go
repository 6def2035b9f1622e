package imap

import (
	"bytes"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"

	"groupd/internal/budget"
)

// TestFetchStreamed: a message larger than streamAbove is answered piece
// by piece, each section (whole, header, text, partial) byte for byte as
// the in-memory path answers it; with the memory budget spent, FETCH
// answers NO [LIMIT] (RFC 5530 §3) and the session goes on.
func TestFetchStreamed(t *testing.T) {
	b := budget.New(32 << 20)
	e := newEnv(t, func(o *Options) { o.Budget = b; o.BudgetWait = 100 * time.Millisecond })
	data := message("large", strings.Repeat("streamed line of the body, seventy bytes or so, to fill it up\r\n", 80000))
	e.post(t, "team", data)
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	sections := []*goimap.FetchItemBodySection{
		{Peek: true},
		{Peek: true, Specifier: goimap.PartSpecifierHeader},
		{Peek: true, Specifier: goimap.PartSpecifierText},
		{Peek: true, Partial: &goimap.SectionPartial{Offset: 3<<20 - 10, Size: 100}},
		{Peek: true, Specifier: goimap.PartSpecifierText, Partial: &goimap.SectionPartial{Offset: 10, Size: 1 << 30}},
		{Peek: true, Partial: &goimap.SectionPartial{Offset: 10 << 20, Size: 5}},
	}
	fetch := func() ([]*goimap.FetchItemBodySection, map[*goimap.FetchItemBodySection][]byte, error) {
		msgs, err := c.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{BodySection: sections, Envelope: true}).Collect()
		if err != nil {
			return nil, nil, err
		}
		if len(msgs) != 1 || msgs[0].Envelope == nil || msgs[0].Envelope.Subject != "large" {
			t.Fatalf("FETCH: %d messages, envelope %+v", len(msgs), msgs[0].Envelope)
		}
		out := map[*goimap.FetchItemBodySection][]byte{}
		for _, bs := range sections {
			out[bs] = msgs[0].FindBodySection(bs)
		}
		return sections, out, nil
	}
	release, _ := b.TryTake(32 << 20)
	_, _, err := fetch()
	wantNo(t, "FETCH with the budget spent", err, "busy")
	if ie, ok := err.(*goimap.Error); !ok || ie.Code != goimap.ResponseCodeLimit {
		t.Errorf("FETCH with the budget spent: %v, want NO [LIMIT]", err)
	}
	release()
	_, got, err := fetch()
	if err != nil {
		t.Fatal(err)
	}
	for i, bs := range sections {
		if want := bodySection(data, bs); !bytes.Equal(got[bs], want) {
			t.Errorf("section %d: %d bytes, want %d", i, len(got[bs]), len(want))
		}
	}
	if b.Used() != 0 {
		t.Errorf("%d bytes of the budget still taken", b.Used())
	}
}

// TestFetchStreamedPieces: a 20 MiB message, archived in pieces, streams
// within a 20 MiB budget of which 3 MiB are taken by other work: each
// range costs the pieces it covers, not the whole message (which, read
// whole for every range as before pieces, could not fit beside the
// other work and was refused NO [LIMIT]).
func TestFetchStreamedPieces(t *testing.T) {
	b := budget.New(20 << 20)
	e := newEnv(t, func(o *Options) { o.Budget = b; o.BudgetWait = 100 * time.Millisecond })
	data := message("huge", strings.Repeat("a line of a twenty-mebibyte post, read back range by range\r\n", 350000))
	e.post(t, "team", data)
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	release, _ := b.TryTake(3 << 20)
	defer release()
	bs := &goimap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{BodySection: []*goimap.FetchItemBodySection{bs}}).Collect()
	if err != nil {
		t.Fatalf("FETCH of a 20 MiB message beside 3 MiB of other work: %v", err)
	}
	if got := msgs[0].FindBodySection(bs); !bytes.Equal(got, data) {
		t.Fatalf("%d bytes, want %d", len(got), len(data))
	}
	if b.Used() != 3<<20 {
		t.Errorf("%d bytes of the budget taken after the FETCH, want the other work's 3 MiB", b.Used())
	}
}
