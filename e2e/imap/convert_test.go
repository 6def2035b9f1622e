package imap

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"

	"groupd/e2e/internal/e2etest"
)

// retreat is a thread among alice, bob and carol, with one address
// outside the organisation; the mbox holds it newest first.
const retreat = `From carol@example.test Thu Apr  9 16:30:00 2026
From: Carol <carol@example.test>
To: alice@example.test, bob@example.test
Subject: Re: Spring retreat
Date: Thu, 09 Apr 2026 16:30:00 +0000
Message-ID: <retreat-3@example.test>

I will bring the maps.

From alice@example.test Tue Apr  7 08:15:00 2026
From: Alice <alice@example.test>
To: bob@example.test, carol@example.test
Cc: venue@hotel.example
Subject: Spring retreat
Date: Tue, 07 Apr 2026 08:15:00 +0000
Message-ID: <retreat-1@example.test>

Shall we book the lake house?

From bob@example.test Wed Apr  8 12:00:00 2026
From: bob@example.test
To: alice@example.test, carol@example.test
Subject: Re: Spring retreat
Date: Wed, 08 Apr 2026 12:00:00 +0000
Message-ID: <retreat-2@example.test>

Yes, the second weekend.
`

// pair is a thread between alice and bob only, with an outsider in copy.
const pair = `From alice@example.test Tue Apr  7 08:15:00 2026
From: alice@example.test
To: bob@example.test
Cc: venue@hotel.example
Subject: Between us
Date: Tue, 07 Apr 2026 08:15:00 +0000

Coffee?
`

// convert posts an mbox to /api/v1/groups/convert as user.
func (e *env) convert(user, query, mbox string) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.d.URL("/api/v1/groups/convert"+query), strings.NewReader(mbox))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/mbox")
	req.SetBasicAuth(user, e2etest.Password)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// TestConvertedThreadReadableOverIMAP: a three-person thread becomes a
// group whose mailbox every participant sees, holding the thread in date
// order with each message's date as its internal date.
func TestConvertedThreadReadableOverIMAP(t *testing.T) {
	t.Parallel()
	e := start(t)
	code, body := e.convert("alice@example.test", "?name=Retreat", retreat)
	if code != 201 {
		t.Fatalf("convert: %d %s", code, body)
	}
	var g struct{ ID, Name string }
	if err := json.Unmarshal(body, &g); err != nil || g.Name != "Retreat" {
		t.Fatalf("convert answered %s (%v)", body, err)
	}
	for _, user := range []string{"bob@example.test", "carol@example.test"} {
		c := e.login(user)
		if got := mailboxes(t, c); !slices.Contains(got, "Groups/Retreat") {
			t.Errorf("%s lists %q, without Groups/Retreat", user, got)
		}
	}
	c := e.login("carol@example.test")
	if sel := mustSelect(t, c, "Groups/Retreat"); sel.NumMessages != 3 {
		t.Fatalf("Groups/Retreat holds %d messages, want 3", sel.NumMessages)
	}
	text := &goimap.FetchItemBodySection{Specifier: goimap.PartSpecifierText, Peek: true}
	msgs, err := c.Fetch(goimap.SeqSet{{Start: 1, Stop: 0}}, &goimap.FetchOptions{Envelope: true, InternalDate: true,
		BodySection: []*goimap.FetchItemBodySection{text}}).Collect()
	if err != nil || len(msgs) != 3 {
		t.Fatalf("fetch: %d messages, %v", len(msgs), err)
	}
	wantIDs := []string{"retreat-1@example.test", "retreat-2@example.test", "retreat-3@example.test"}
	wantBodies := []string{"lake house", "second weekend", "bring the maps"}
	var ids []string
	for i, m := range msgs {
		ids = append(ids, m.Envelope.MessageID)
		if !m.InternalDate.Equal(m.Envelope.Date) {
			t.Errorf("message %d: internal date %v, its Date %v", i+1, m.InternalDate, m.Envelope.Date)
		}
		if i > 0 && !m.InternalDate.After(msgs[i-1].InternalDate) {
			t.Errorf("message %d dated %v, not after message %d", i+1, m.InternalDate, i)
		}
		if got := string(m.FindBodySection(text)); !strings.Contains(got, wantBodies[i]) {
			t.Errorf("message %d: body %q, want it to hold %q", i+1, got, wantBodies[i])
		}
	}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("messages in order %q, want %q", ids, wantIDs)
	}
	if _, data := e.archived(g.ID); len(data) != 3 {
		t.Errorf("the archive of %s holds %d messages", g.ID, len(data))
	}
}

// TestConvertTwoPersonThreadRefused: two internal participants are too few
// (422 saying so), and no mailbox appears.
func TestConvertTwoPersonThreadRefused(t *testing.T) {
	t.Parallel()
	e := start(t)
	code, body := e.convert("alice@example.test", "?name=Between", pair)
	if code != 422 || !strings.Contains(string(body), "at least 3") {
		t.Fatalf("convert of a 2-person thread: %d %s, want 422 saying at least 3", code, body)
	}
	c := e.login("bob@example.test")
	want := []string{"Groups", "Groups/Hidden", "Groups/Team", "INBOX"}
	if got := mailboxes(t, c); !reflect.DeepEqual(got, want) {
		t.Errorf("after the refusal bob lists %q, want %q", got, want)
	}
}
