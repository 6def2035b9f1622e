package api

import (
	"strings"
	"testing"
	"time"

	"groupd/groups"
	"groupd/internal/mbox"
)

// threeWay is a conversation of alice, bob and carol (with a partner
// outside and an internal address without an account), oldest message
// last, with a body line that the mbox quotes as ">From ".
const threeWay = `From bob@example.test Tue Mar  3 09:00:00 2026
From: Bob <bob@example.test>
To: alice@example.test, Carol <carol@example.test>
Cc: partner@other.example, nobody@example.test
Subject: Re: Offsite plan
Date: Tue, 03 Mar 2026 09:00:00 +0000
Message-ID: <m2@example.test>

Sounds good.
>From the hotel we walk.

From alice@example.test Mon Mar  2 09:00:00 2026
From: Alice <alice@example.test>
To: bob@example.test, carol@example.test
Subject: Offsite plan
Date: Mon, 02 Mar 2026 09:00:00 +0000
Message-ID: <m1@example.test>

Shall we?

From carol@example.test Wed Mar  4 09:00:00 2026
From: carol@example.test
To: alice@example.test, bob@example.test
Subject: Re: Offsite plan
Date: Wed, 04 Mar 2026 09:00:00 +0000
Message-ID: <m3@example.test>

Yes.
`

const twoWay = `From alice@example.test Mon Mar  2 09:00:00 2026
From: alice@example.test
To: bob@example.test, partner@other.example
Subject: Just us
Date: Mon, 02 Mar 2026 09:00:00 +0000

Hi.
`

func TestConvert(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test", "dave@example.test")
	sub := e.store.Subscribe()
	defer sub.Close()

	r := e.want(201, e.do(as("alice@example.test"), "POST", "/api/v1/groups/convert", threeWay))
	g := decodeAs[groups.Group](t, r)
	if loc := r.header.Get("Location"); loc != "/api/v1/groups/"+g.ID {
		t.Errorf("Location %q", loc)
	}
	if g.Name != "Offsite plan" || g.Role != "master" || strings.Join(g.Masters, ",") != "alice@example.test" ||
		strings.Join(g.Members, ",") != "alice@example.test,bob@example.test,carol@example.test" || !g.Features.Message {
		t.Errorf("converted %+v", g)
	}
	// The group is there for its members, with the archive seeded: one
	// committed archive change per message, UIDs 1..3.
	got := decodeAs[groups.Group](t, e.want(200, e.do(as("carol@example.test"), "GET", "/api/v1/groups/"+g.ID, nil)))
	if got.Role != "member" {
		t.Errorf("carol's role %q", got.Role)
	}
	var uids []int64
	for done := false; !done; {
		select {
		case c := <-sub.C:
			if c.Kind == groups.ChangeData && c.Feature == groups.FeatureMessage && c.GroupID == g.ID {
				uids = append(uids, c.Ref)
			}
		case <-time.After(200 * time.Millisecond):
			done = true
		}
	}
	if len(uids) != 3 || uids[0] != 1 || uids[2] != 3 {
		t.Errorf("archived UIDs %v, want 1 2 3", uids)
	}

	// Name and id from the query.
	g2 := decodeAs[groups.Group](t, e.want(201, e.do(as("bob@example.test"), "POST",
		"/api/v1/groups/convert?name=Offsite+2026&id=offsite-2026&public=false", threeWay)))
	if g2.ID != "offsite-2026" || g2.Name != "Offsite 2026" || g2.Public || strings.Join(g2.Masters, ",") != "bob@example.test" {
		t.Errorf("named conversion %+v", g2)
	}
}

func TestConvertRefused(t *testing.T) {
	e := newEnvWith(t, Options{MaxConvertBytes: 4096})
	e.users("alice@example.test", "bob@example.test", "carol@example.test", "dave@example.test")
	alice := as("alice@example.test")
	cases := []struct {
		name   string
		w      who
		query  string
		body   string
		status int
		code   string
		says   string
	}{
		{"two participants", alice, "", twoWay, 422, "invalid", "at least 3 participants"},
		{"caller not a participant", as("dave@example.test"), "", threeWay, 422, "invalid", "not among the conversation's participants"},
		{"admin token", admin, "", threeWay, 422, "invalid", "log in as yourself"},
		{"not an mbox", alice, "", "Subject: hi\n\nbody\n", 400, "bad_request", "not an mbox"},
		{"empty", alice, "", "", 400, "bad_request", "no messages"},
		{"bad address", alice, "", "From x Mon Mar  2 09:00:00 2026\nFrom: <<<\n\nx\n", 400, "bad_request", "malformed From"},
		{"over the limit", alice, "", threeWay + strings.Repeat("x", 5000), 413, "too_large", "over the limit of 4096 bytes"},
		{"unknown parameter", alice, "?owner=x", threeWay, 400, "bad_request", `unknown query parameter "owner"`},
		{"bad boolean", alice, "?public=maybe", threeWay, 400, "bad_request", "public must be true or false"},
		{"bad id", alice, "?id=Not+OK", threeWay, 422, "invalid", "lower-case"},
		{"name too long", alice, "?name=" + strings.Repeat("n", 101), threeWay, 422, "invalid", "1 to 100 characters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.wantErr(c.status, c.code, c.says, e.do(c.w, "POST", "/api/v1/groups/convert"+c.query, c.body))
		})
	}
	if got := e.list(admin, "/api/v1/groups"); got != "" {
		t.Errorf("refused conversions left groups: %q", got)
	}
	e.want(200, e.do(admin, "PUT", "/api/v1/policy", `{"create_groups": "admins"}`))
	e.wantErr(403, "forbidden", "only administrators create groups", e.do(alice, "POST", "/api/v1/groups/convert", threeWay))
}

func TestSplitMbox(t *testing.T) {
	msgs, err := mbox.Split([]byte(threeWay))
	if err != nil || len(msgs) != 3 {
		t.Fatalf("split: %d messages, %v", len(msgs), err)
	}
	first := string(msgs[0].Data)
	if !strings.HasPrefix(first, "From: Bob <bob@example.test>\r\n") || !strings.HasSuffix(first, "Sounds good.\r\nFrom the hotel we walk.\r\n") {
		t.Errorf("first message %q", first)
	}
	if strings.Contains(first, "\n\n") || strings.Contains(strings.ReplaceAll(first, "\r\n", ""), "\n") {
		t.Errorf("line ends not CRLF: %q", first)
	}
	if want := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC); !msgs[0].EnvelopeDate.Equal(want) {
		t.Errorf("envelope date %v", msgs[0].EnvelopeDate)
	}
	// Deeper quoting loses exactly one '>'.
	msgs, err = mbox.Split([]byte("From a Mon Mar  2 09:00:00 2026\nSubject: q\n\n>>From x\n>not from\n"))
	if err != nil || string(msgs[0].Data) != "Subject: q\r\n\r\n>From x\r\n>not from\r\n" {
		t.Errorf("quoting: %q %v", msgs[0].Data, err)
	}
	conv, err := mbox.ReadConversation(msgs, time.Now())
	if err != nil || len(conv.Participants) != 0 || conv.Messages[0].Subject != "q" {
		t.Errorf("conversation %+v %v", conv, err)
	}
}

// TestConvertSettings: conversion sets features and the mailing list from
// the query, as creation does from its body.
func TestConvertSettings(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test")
	g := decodeAs[groups.Group](t, e.want(201, e.do(as("alice@example.test"), "POST",
		"/api/v1/groups/convert?id=offsite&description=Trip&notify=false&features=message,+event"+
			"&list_enabled=true&list_address=trip@lists.example.test&send_restriction=listed&block_external=true", threeWay)))
	want := groups.Features{Message: true, Event: true}
	if g.Features != want || g.Description != "Trip" || g.Notify {
		t.Errorf("features %+v description %q notify %v", g.Features, g.Description, g.Notify)
	}
	l := g.MailingList
	if !l.Enabled || l.Address != "trip@lists.example.test" || l.SendRestriction != "listed" || !l.BlockExternal {
		t.Errorf("mailing list %+v", l)
	}
	// The list switched off, anyone may post, externals too.
	g = decodeAs[groups.Group](t, e.want(201, e.do(as("alice@example.test"), "POST",
		"/api/v1/groups/convert?id=offsite-2&list_enabled=false&send_restriction=anyone&block_external=false", threeWay)))
	l = g.MailingList
	if l.Enabled || l.SendRestriction != "anyone" || l.BlockExternal || g.Features != groups.AllOn() {
		t.Errorf("second conversion: list %+v features %+v", l, g.Features)
	}
}

// TestConvertSettingsRefused: bad settings are refused and create nothing.
func TestConvertSettingsRefused(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test", "carol@example.test")
	alice := as("alice@example.test")
	cases := []struct {
		name, query string
		status      int
		code, says  string
	}{
		{"unknown feature", "?features=message,chat", 400, "bad_request", `unknown feature "chat"`},
		{"without message", "?features=event", 422, "invalid", "needs the message feature"},
		{"bad list_enabled", "?list_enabled=maybe", 400, "bad_request", "list_enabled must be true or false"},
		{"bad block_external", "?block_external=2", 400, "bad_request", "block_external must be true or false"},
		{"bad restriction", "?send_restriction=nobody", 422, "invalid", "nobody"},
		{"feature.x form", "?feature.event=true", 400, "bad_request", `unknown query parameter "feature.event"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.wantErr(c.status, c.code, c.says, e.do(alice, "POST", "/api/v1/groups/convert"+c.query, threeWay))
		})
	}
	if got := e.list(admin, "/api/v1/groups"); got != "" {
		t.Errorf("refused conversions left groups: %q", got)
	}
}
