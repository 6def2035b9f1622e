package smtp

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// TestFanOut: a post reaches every member and external member once, with
// the list headers and a VERP return path.
func TestFanOut(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "hello team", "first post")); err != nil {
		t.Fatal(err)
	}
	got := w.relay.waitRcpts(t, 3)
	for _, rc := range []string{alice, bob, partner} {
		if len(got[rc]) != 1 {
			t.Fatalf("%s got %d copies, want 1 (all: %v)", rc, len(got[rc]), keys(got))
		}
	}
	data := got[partner][0]
	want := map[string]string{
		"List-Id":    `"Team" <team.lists.example.test>`,
		"List-Post":  "<mailto:team@lists.example.test>",
		"List-Owner": "<mailto:team-owner@lists.example.test>",
		"List-Help":  "<mailto:team-owner@lists.example.test?subject=help>",
		"Precedence": "list",
		"X-Loop":     teamList,
		"Subject":    "hello team",
		"From":       bob,
	}
	for k, v := range want {
		if got := header(data, k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if !strings.HasPrefix(header(data, "List-Archive"), "<imap://") {
		t.Errorf("List-Archive %q", header(data, "List-Archive"))
	}
	if !strings.HasSuffix(string(data), "\r\nfirst post\r\n") {
		t.Errorf("body changed: %q", data)
	}
	verp := regexp.MustCompile(`^team-bounces\+[0-9a-z]+@lists\.example\.test$`)
	for _, e := range w.relay.envelopes() {
		if !verp.MatchString(e.From) {
			t.Errorf("envelope sender %q is not a VERP address", e.From)
		}
	}
	w.relay.quiet(t, 100*time.Millisecond, 3)
}

// TestFanOutDedupe: an address that is both a member and an external
// member gets one copy.
func TestFanOutDedupe(t *testing.T) {
	w := newWorld(t, &groups.ListSpec{ExternalMembers: &[]string{partner, bob, "Partner@Other.example"}}, nil)
	w.startQueue(t, nil)
	if err := send(t, w.addr, alice, []string{teamList}, post(alice, "dedupe", "x")); err != nil {
		t.Fatal(err)
	}
	w.relay.waitRcpts(t, 3)
	w.relay.quiet(t, 100*time.Millisecond, 3)
}

// TestVERPLocalPartBounded: a 64-character list name still gets an
// envelope sender whose local part is at most 64 characters, and a
// bounce to it is accepted.
func TestVERPLocalPartBounded(t *testing.T) {
	w := newWorld(t, nil, nil)
	long := strings.Repeat("l", 64)
	addGroup(t, w.st, long, []string{alice}, nil, &groups.ListSpec{ExternalMembers: &[]string{partner}})
	w.startQueue(t, nil)
	if err := send(t, w.addr, alice, []string{long + "@" + listDomain}, post(alice, "long", "x")); err != nil {
		t.Fatal(err)
	}
	w.relay.waitRcpts(t, 2)
	for _, e := range w.relay.envelopes() {
		local, _, _ := strings.Cut(e.From, "@")
		if len(local) > 64 || !strings.Contains(local, "-bounces+") {
			t.Fatalf("envelope sender %q: local part %d characters", e.From, len(local))
		}
		if err := send(t, w.addr, "", []string{e.From}, "From: mailer-daemon@other.example\r\nSubject: bounce\r\n\r\nx\r\n"); err != nil {
			t.Fatalf("bounce address refused: %v", err)
		}
	}
}

// TestNotFannedOut: looping mail, automatic mail and bounces to the list
// are accepted (250) and go nowhere; Auto-Submitted: no goes out.
func TestNotFannedOut(t *testing.T) {
	w := newWorld(t, &groups.ListSpec{SendRestriction: ptr("anyone")}, nil)
	w.startQueue(t, nil)
	cases := []struct{ envelope, data string }{
		{bob, post(bob, "loop", "x", "X-Loop: "+teamList)},
		{bob, post(bob, "loop case", "x", "X-Loop: TEAM@lists.example.test")},
		{bob, post(bob, "vacation", "x", "Auto-Submitted: auto-replied")},
		{bob, post(bob, "robot", "x", "Auto-Submitted: auto-generated; x=y")},
		{"", post("mailer-daemon@other.example", "bounce", "x")},
	}
	for _, c := range cases {
		if err := send(t, w.addr, c.envelope, []string{teamList}, c.data); err != nil {
			t.Fatalf("%q refused: %v", c.data[:40], err)
		}
	}
	w.relay.quiet(t, 200*time.Millisecond, 0)
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "person", "x", "Auto-Submitted: no")); err != nil {
		t.Fatal(err)
	}
	w.relay.waitRcpts(t, 3)
}

// TestOtherListLoopMarkerPasses: another list's X-Loop does not stop the
// post; its List-* fields are replaced by this list's.
func TestOtherListLoopMarkerPasses(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	err := send(t, w.addr, bob, []string{teamList}, post(bob, "via other", "x",
		"X-Loop: other@lists.elsewhere.example", "List-Id: <other.lists.elsewhere.example>"))
	if err != nil {
		t.Fatal(err)
	}
	data := w.relay.waitRcpts(t, 3)[alice][0]
	if got := strings.Count(string(data), "List-Id:"); got != 1 || header(data, "List-Id") != `"Team" <team.lists.example.test>` {
		t.Fatalf("%d List-Id fields, first %q", got, header(data, "List-Id"))
	}
}

// TestSubjectPrefix: with SubjectPrefix the subject gets "[Team] ", once.
func TestSubjectPrefix(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) { o.SubjectPrefix = true })
	w.startQueue(t, nil)
	send(t, w.addr, bob, []string{teamList}, post(bob, "news", "x"))
	send(t, w.addr, bob, []string{teamList}, post(bob, "Re: [Team] news", "x"))
	got := w.relay.waitRcpts(t, 6)[alice]
	subjects := []string{header(got[0], "Subject"), header(got[1], "Subject")}
	if subjects[0] != "[Team] news" && subjects[1] != "[Team] news" {
		t.Fatalf("subjects %q", subjects)
	}
	for _, s := range subjects {
		if strings.Count(s, "[Team]") != 1 {
			t.Fatalf("subject %q", s)
		}
	}
}

// TestNoSubjectPrefixByDefault: without the option the header goes out
// byte for byte after the list's fields.
func TestNoSubjectPrefixByDefault(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	raw := post(bob, "keep me", "body\r\n  with spaces  \r\n", "DKIM-Signature: v=1; a=rsa-sha256; d=example.test;\r\n\tb=abc")
	send(t, w.addr, bob, []string{teamList}, raw)
	data := string(w.relay.waitRcpts(t, 3)[alice][0])
	if !strings.HasSuffix(data, raw) {
		t.Fatalf("original message not kept byte for byte:\n%s", data)
	}
}

// TestHeaderInjectionInDisplayName: an encoded CR LF in a display name
// does not become a header field of the list copy nor of a join request.
func TestHeaderInjectionInDisplayName(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	from := "=?utf-8?q?Bob=0D=0ABcc=3A_victim=40evil=2Eexample=0D=0A?= <" + bob + ">"
	if err := send(t, w.addr, bob, []string{teamList}, post(from, "inject", "x")); err != nil {
		t.Fatal(err)
	}
	// the requester is not on the list (bob's own request would be no
	// request, issue 13)
	joiner := "=?utf-8?q?Eve=0D=0ABcc=3A_victim=40evil=2Eexample=0D=0A?= <" + stranger + ">"
	if err := send(t, w.addr, stranger, []string{"team-join@" + listDomain}, post(joiner, "join", "x")); err != nil {
		t.Fatal(err)
	}
	got := w.relay.waitRcpts(t, 5) // 3 list copies, request to alice, ack to the requester
	for rc, msgs := range got {
		for _, m := range msgs {
			if header(m, "Bcc") != "" {
				t.Fatalf("%s got a Bcc field:\n%s", rc, m)
			}
		}
		if rc == "victim@evil.example" {
			t.Fatal("the injected address got mail")
		}
	}
}

// TestArchiveHeaderFollowsFeature: List-Archive only when the message
// feature is on.
func TestArchiveHeaderFollowsFeature(t *testing.T) {
	w := newWorld(t, nil, nil)
	_, err := w.st.UpdateGroup(context.Background(), groups.AdminActor(), "team",
		groups.GroupSpec{Features: &groups.FeatureSpec{Message: ptr(false)}})
	if err != nil {
		t.Fatal(err)
	}
	w.startQueue(t, nil)
	send(t, w.addr, bob, []string{teamList}, post(bob, "no archive", "x"))
	if a := header(w.relay.waitRcpts(t, 3)[alice][0], "List-Archive"); a != "" {
		t.Fatalf("List-Archive %q with the message feature off", a)
	}
}

// TestFromRewrite: with FromRewrite "external" a post by an external
// author goes out From "<name> via Team" <team@...>, with the author in
// Reply-To and X-Original-Sender; an internal author's From is kept.
// "always" rewrites every author.
func TestFromRewrite(t *testing.T) {
	for _, mode := range []string{RewriteExternal, RewriteAlways} {
		t.Run(mode, func(t *testing.T) {
			w := newWorld(t, nil, func(o *Options) { o.FromRewrite = mode })
			w.startQueue(t, nil)
			send(t, w.addr, partner, []string{teamList}, post(`"Pat Partner" <`+partner+`>`, "from outside", "x"))
			got := w.relay.waitRcpts(t, 3)[alice][0]
			if f := header(got, "From"); f != `"Pat Partner via Team" <team@lists.example.test>` {
				t.Fatalf("From %q", f)
			}
			if r := header(got, "Reply-To"); r != `"Pat Partner" <`+partner+`>` {
				t.Fatalf("Reply-To %q", r)
			}
			if x := header(got, "X-Original-Sender"); x != partner {
				t.Fatalf("X-Original-Sender %q", x)
			}
			if strings.Count(string(got), "\r\nFrom:") != 1 {
				t.Fatalf("more than one From:\n%s", got)
			}
			send(t, w.addr, bob, []string{teamList}, post(bob, "from inside", "x"))
			var inside []byte
			for _, m := range w.relay.waitRcpts(t, 6)[alice] {
				if header(m, "Subject") == "from inside" {
					inside = m
				}
			}
			want := bob
			if mode == RewriteAlways {
				want = `"bob via Team" <team@lists.example.test>`
			}
			if f := header(inside, "From"); f != want {
				t.Fatalf("internal author's From %q, want %q", f, want)
			}
		})
	}
}

// TestFromRewriteOption: an unknown mode is refused at NewServer.
func TestFromRewriteOption(t *testing.T) {
	if _, err := NewServer(Options{Store: newStore(t), FromRewrite: "sometimes"}); err == nil {
		t.Fatal("FromRewrite \"sometimes\" accepted")
	}
}

// TestDKIMSignedFieldsUnverified: a DKIM signature that does not verify
// (this one cannot) changes nothing (issue 16 item 9): the subject gets
// its prefix and the upstream List-Id goes, with or without a From
// rewrite. A verified one is TestVerifiedDKIMCannotKeepListFields.
func TestDKIMSignedFieldsUnverified(t *testing.T) {
	sig := "DKIM-Signature: v=1; a=rsa-sha256; d=example.test; s=s1;\r\n\th=from:to:subject:list-id; bh=xyz; b=abc"
	for _, rewrite := range []string{RewriteNever, RewriteAlways} {
		t.Run(rewrite, func(t *testing.T) {
			w := newWorld(t, nil, func(o *Options) {
				o.SubjectPrefix, o.FromRewrite = true, rewrite
				o.LookupTXT = func(string) ([]string, error) { return nil, errors.New("no key") }
			})
			w.startQueue(t, nil)
			send(t, w.addr, bob, []string{teamList}, post(bob, "signed", "x", sig, "List-Id: <upstream.example>"))
			data := w.relay.waitRcpts(t, 3)[alice][0]
			if subject := header(data, "Subject"); subject != "[Team] signed" {
				t.Fatalf("Subject %q, want the prefix", subject)
			}
			if strings.Contains(string(data), "List-Id: <upstream.example>") {
				t.Fatal("the upstream List-Id was kept")
			}
		})
	}
}
