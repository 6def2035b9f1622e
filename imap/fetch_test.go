package imap

import (
	"bytes"
	"fmt"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
)

// A post with folded headers, 8-bit text, a tab and a bare LF in the body:
// FETCH must give back exactly these bytes.
var oddPost = []byte("From: =?utf-8?q?J=C3=B6rg?= <jorg@example.test>\r\n" +
	"To: team@lists.example.test\r\n" +
	"Subject: Quarterly\r\n numbers, folded\r\n" +
	"Date: Tue, 03 Jan 2006 10:00:00 +0100\r\n" +
	"Message-ID: <odd@example.test>\r\n" +
	"X-Weird:\tvalue with  spaces  \r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"\r\n" +
	"Grüße aus Köln\r\nline\twith tab\nbare LF line\r\n\r\n-- \r\nJörg\r\n")

var multipartPost = []byte("From: alice@example.test\r\nTo: team@lists.example.test\r\nSubject: Report\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XYZ\r\n\r\n" +
	"preamble\r\n--XYZ\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n" +
	"--XYZ\r\nContent-Type: text/csv; name=r.csv\r\nContent-Transfer-Encoding: base64\r\n\r\nYSxiLGMKMSwyLDMK\r\n" +
	"--XYZ--\r\n")

func TestFetchIsByteIdentical(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	uid := e.post(t, "team", oddPost)
	e.post(t, "team", multipartPost)
	c := e.login(t, "bob@example.test")
	sel := mustSelect(t, c, "Groups/Team")
	if sel.NumMessages != 2 || sel.UIDNext != goimap.UID(uid+2) {
		t.Fatalf("select: %d messages, uidnext %d", sel.NumMessages, sel.UIDNext)
	}
	whole := &goimap.FetchItemBodySection{Peek: true}
	header := &goimap.FetchItemBodySection{Specifier: goimap.PartSpecifierHeader, Peek: true}
	text := &goimap.FetchItemBodySection{Specifier: goimap.PartSpecifierText, Peek: true}
	part := &goimap.FetchItemBodySection{Peek: true, Partial: &goimap.SectionPartial{Offset: 6, Size: 10}}
	msgs, err := c.Fetch(goimap.UIDSetNum(goimap.UID(uid)), &goimap.FetchOptions{
		UID: true, Envelope: true, Flags: true, InternalDate: true, RFC822Size: true,
		BodyStructure: &goimap.FetchItemBodyStructure{Extended: true},
		BodySection:   []*goimap.FetchItemBodySection{whole, header, text, part},
	}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch: %v %v", msgs, err)
	}
	m := msgs[0]
	split := bytes.Index(oddPost, []byte("\r\n\r\n")) + 4
	for _, c := range []struct {
		name string
		sec  *goimap.FetchItemBodySection
		want []byte
	}{{"BODY[]", whole, oddPost}, {"BODY[HEADER]", header, oddPost[:split]}, {"BODY[TEXT]", text, oddPost[split:]}, {"BODY[]<6.10>", part, oddPost[6:16]}} {
		if got := m.FindBodySection(c.sec); !bytes.Equal(got, c.want) {
			t.Errorf("%s differs from the archive:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
	if m.UID != goimap.UID(uid) || m.SeqNum != 1 || m.RFC822Size != int64(len(oddPost)) || m.InternalDate.IsZero() {
		t.Errorf("uid %d seq %d size %d date %v", m.UID, m.SeqNum, m.RFC822Size, m.InternalDate)
	}
	if m.Envelope == nil || m.Envelope.Subject != "Quarterly numbers, folded" || m.Envelope.MessageID != "odd@example.test" ||
		len(m.Envelope.From) != 1 || m.Envelope.From[0].Name != "Jörg" {
		t.Errorf("envelope %+v", m.Envelope)
	}
	if bs, ok := m.BodyStructure.(*goimap.BodyStructureSinglePart); !ok || bs.Type != "text" || bs.Subtype != "plain" {
		t.Errorf("bodystructure %#v", m.BodyStructure)
	}
	if len(m.Flags) != 0 {
		t.Errorf("BODY.PEEK set flags %v", m.Flags)
	}
}

func TestFetchMultipartSections(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", multipartPost)
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	p1 := &goimap.FetchItemBodySection{Part: []int{1}, Peek: true}
	p2 := &goimap.FetchItemBodySection{Part: []int{2}, Peek: true}
	fields := &goimap.FetchItemBodySection{Specifier: goimap.PartSpecifierHeader, HeaderFields: []string{"Subject"}, Peek: true}
	msgs, err := c.Fetch(goimap.SeqSetNum(1), &goimap.FetchOptions{
		BodyStructure: &goimap.FetchItemBodyStructure{}, BodySection: []*goimap.FetchItemBodySection{p1, p2, fields},
	}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch: %v %v", msgs, err)
	}
	m := msgs[0]
	if got := string(m.FindBodySection(p1)); got != "See attached." {
		t.Errorf("BODY[1] = %q", got)
	}
	if got := string(m.FindBodySection(p2)); got != "YSxiLGMKMSwyLDMK" {
		t.Errorf("BODY[2] = %q", got)
	}
	if got := string(m.FindBodySection(fields)); got != "Subject: Report\r\n\r\n" {
		t.Errorf("BODY[HEADER.FIELDS (Subject)] = %q", got)
	}
	mp, ok := m.BodyStructure.(*goimap.BodyStructureMultiPart)
	if !ok || mp.Subtype != "mixed" || len(mp.Children) != 2 {
		t.Errorf("bodystructure %#v", m.BodyStructure)
	}
}

func TestFetchBySequenceRanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var uids []uint32
	for i := 0; i < 5; i++ {
		uids = append(uids, e.post(t, "team", message("n", "x")))
	}
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	set := goimap.SeqSet{{Start: 2, Stop: 3}, {Start: 5, Stop: 0}}
	msgs, err := c.Fetch(set, &goimap.FetchOptions{UID: true}).Collect()
	if err != nil || len(msgs) != 3 {
		t.Fatalf("fetch 2:3,5:*: %v %v", msgs, err)
	}
	for i, want := range []int{1, 2, 4} {
		if msgs[i].UID != goimap.UID(uids[want]) || msgs[i].SeqNum != uint32(want+1) {
			t.Errorf("message %d: seq %d uid %d", i, msgs[i].SeqNum, msgs[i].UID)
		}
	}
}

func TestUIDsStableAcrossSessionsAndPurge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.post(t, "team", message("a", "a"))
	last := e.post(t, "team", message("b", "b"))
	first := mustSelect(t, e.login(t, "bob@example.test"), "Groups/Team")
	second := mustSelect(t, e.login(t, "bob@example.test"), "Groups/Team")
	if first.UIDValidity != second.UIDValidity || first.UIDValidity == 0 {
		t.Errorf("UIDVALIDITY %d then %d", first.UIDValidity, second.UIDValidity)
	}
	if err := e.store.Purge(bg(), adminActor(), "team", []string{"message"}); err != nil {
		t.Fatal(err)
	}
	if next := e.post(t, "team", message("c", "c")); next <= last {
		t.Errorf("after a purge the next UID is %d, not above %d", next, last)
	}
	third := mustSelect(t, e.login(t, "bob@example.test"), "Groups/Team")
	if third.UIDValidity != first.UIDValidity || third.NumMessages != 1 {
		t.Errorf("after purge: validity %d messages %d", third.UIDValidity, third.NumMessages)
	}
}

// With a tiny FetchBytes every message is loaded on its own; the answer
// is the same.
func TestFetchManyBodiesInSizeBoundedRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.FetchBytes = 100; o.FetchBatch = 3 })
	var posts [][]byte
	for i := 0; i < 7; i++ {
		p := message("post", string(bytes.Repeat([]byte{'a' + byte(i)}, 50*i)))
		posts = append(posts, p)
		e.post(t, "team", p)
	}
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	whole := &goimap.FetchItemBodySection{}
	msgs, err := c.Fetch(goimap.SeqSet{{Start: 1, Stop: 0}}, &goimap.FetchOptions{BodySection: []*goimap.FetchItemBodySection{whole}}).Collect()
	if err != nil || len(msgs) != 7 {
		t.Fatalf("fetch: %d %v", len(msgs), err)
	}
	for i, m := range msgs {
		if !bytes.Equal(m.FindBodySection(whole), posts[i]) {
			t.Errorf("message %d differs", i+1)
		}
		if len(m.Flags) != 1 || m.Flags[0] != goimap.FlagSeen {
			t.Errorf("message %d flags %v after BODY[]", i+1, m.Flags)
		}
	}
}

// TestEnvelopesWithATinyCache: with room for two envelopes, repeated
// FETCHes of five keep evicting, and every ENVELOPE is still right.
func TestEnvelopesWithATinyCache(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.EnvelopeCache = 2; o.FetchBatch = 2 })
	for i := 1; i <= 5; i++ {
		e.post(t, "team", message(fmt.Sprintf("post %d", i), "x"))
	}
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	for round := 0; round < 3; round++ {
		msgs, err := c.Fetch(goimap.SeqSet{{Start: 1, Stop: 0}}, &goimap.FetchOptions{Envelope: true}).Collect()
		if err != nil || len(msgs) != 5 {
			t.Fatalf("round %d: %d messages, %v", round, len(msgs), err)
		}
		for i, m := range msgs {
			if want := fmt.Sprintf("post %d", i+1); m.Envelope == nil || m.Envelope.Subject != want {
				t.Fatalf("round %d, message %d: envelope %+v, want subject %q", round, i+1, m.Envelope, want)
			}
		}
	}
}
