package imap

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"

	"groupd/groups"
)

// TestBaseSubject: the rules of RFC 5256 §2.1.
func TestBaseSubject(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, base string
		reply    bool
	}{
		{"Hello", "Hello", false},
		{"Re: Hello", "Hello", true},
		{"RE: re: Fwd: FW: hello", "hello", true},         // (3) repeated
		{"Re[2]: hello", "hello", true},                   // subj-refwd with a blob
		{"Re [team]: hello", "hello", true},               // blob after *WSP
		{"[team] Re: hello", "hello", true},               // *subj-blob subj-refwd
		{"[team] hello", "hello", false},                  // (4)
		{"[team]", "[team]", false},                       // (4) would leave nothing
		{"[a][b] [c] hello", "hello", false},              // (4), (5)
		{"hello (fwd)", "hello", true},                    // (2)
		{"hello (FWD)  (fwd) ", "hello", true},            // (2) repeated
		{"hello (fwd) world", "hello (fwd) world", false}, // only a trailer
		{"[Fwd: hello]", "hello", true},                   // (6)
		{"[fwd: Re: [team] hello (fwd)]", "hello", true},  // (6) then (2)–(5)
		{"  Re:\t hello \t world  ", "hello world", true}, // (1) whitespace
		{"Reply to this", "Reply to this", false},         // "re" without ":"
		{"Fwdx: hello", "Fwdx: hello", false},             // not fw/fwd
		{"Re: [team] [x] Re: hello", "hello", true},       // blobs between
		{"Re: ", "", true},                                // empty base
		{"[team] [fwd: hello]", "hello", true},            // (4) then (6)
	}
	for _, c := range cases {
		if base, reply := baseSubject(c.in); base != c.base || reply != c.reply {
			t.Errorf("%q: %q %v, want %q %v", c.in, base, reply, c.base, c.reply)
		}
	}
}

// info is a message for the threading tests: its sequence number, id,
// references, subject and minute of the sent date.
func info(seq int, id, refs, subject string, minute int) *msgInfo {
	m := &msgInfo{pos: seq - 1, uid: uint32(seq), msgID: id, env: &goimap.Envelope{},
		sent: time.Date(2006, 1, 2, 10, minute, 0, 0, time.UTC)}
	if refs != "" {
		m.refs = strings.Fields(refs)
	}
	m.base, m.reply = baseSubject(subject)
	return m
}

// TestReferencesAlgorithm: steps of RFC 5256 §3, THREAD=REFERENCES.
func TestReferencesAlgorithm(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		infos []*msgInfo
		want  string
	}{
		{"chain", []*msgInfo{info(1, "a", "", "x", 1), info(2, "b", "a", "Re: x", 2), info(3, "c", "a b", "Re: x", 3)}, "(1 2 3)"},
		{"missing parent promoted (3B)", []*msgInfo{info(1, "a", "", "x", 1), info(2, "c", "a b", "Re: x", 2)}, "(1 2)"},
		{"dummy root kept for two (3B)", []*msgInfo{info(1, "x", "r", "Re: q", 1), info(2, "y", "r", "Re: q", 2)}, "((1)(2))"},
		{"siblings by date (6)", []*msgInfo{info(1, "a", "", "x", 1), info(2, "b", "a", "x", 5), info(3, "c", "a", "x", 3)}, "(1 (3)(2))"},
		{"reply joins by subject (5C)", []*msgInfo{info(1, "a", "", "hello", 1), info(2, "b", "", "Re: hello", 2)}, "(1 2)"},
		{"same subject, no reply: dummy (5C)", []*msgInfo{info(1, "a", "", "hello", 1), info(2, "b", "", "hello", 2)}, "((1)(2))"},
		{"roots by date (4)", []*msgInfo{info(1, "a", "", "one", 9), info(2, "b", "", "two", 1)}, "(2)(1)"},
		{"duplicate Message-ID", []*msgInfo{info(1, "a", "", "one", 1), info(2, "a", "", "two", 2), info(3, "c", "a", "Re: one", 3)}, "(1 3)(2)"},
		{"no loop", []*msgInfo{info(1, "a", "b", "one", 1), info(2, "b", "a", "two", 2)}, "(2 1)"},
	}
	for _, c := range cases {
		if got := writeThreads(imapserver.NumKindSeq, references(c.infos)); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// postThread sends five posts of one discussion through the list (the
// store's AcceptPosts, as the SMTP server does), with an unrelated post
// after the first: each reply has In-Reply-To and References, and the
// list's "[Team]" subject tag.
func postThread(t *testing.T, e *env) {
	t.Helper()
	mk := func(n int, id, refs, subject string) *groups.Post {
		p := post{from: "alice@example.test", to: "team@lists.example.test", subject: subject,
			date: fmt.Sprintf("Mon, 02 Jan 2006 10:%02d:00 +0000", n), id: "<" + id + "@example.test>", body: "post " + id}
		if refs != "" {
			ids := strings.Fields(refs)
			p.inReplyTo = "<" + ids[len(ids)-1] + "@example.test>"
			p.refs = "<" + strings.Join(ids, "@example.test> <") + "@example.test>"
		}
		return &groups.Post{List: "team@lists.example.test", Sender: "alice@example.test", Data: p.bytes(),
			MessageID: id + "@example.test", Subject: subject, Received: time.Now()}
	}
	posts := []*groups.Post{mk(1, "p1", "", "[Team] Plans"), mk(2, "other", "", "[Team] Lunch"),
		mk(3, "p2", "p1", "Re: [Team] Plans"), mk(4, "p3", "p1 p2", "Re: [Team] Plans"),
		mk(5, "p4", "p1", "[Team] Re: Plans"), mk(6, "p5", "p1 p4", "Re: [Team] Re: Plans")}
	for _, p := range posts { // one at a time: UIDs in this order
		if err := e.store.AcceptPosts(context.Background(), []*groups.Post{p}); err != nil || p.Err != nil || p.ArchiveUID == 0 {
			t.Fatalf("post: %v %v", err, p.Err)
		}
	}
}

// TestThreadThroughList: five posts with In-Reply-To and References come
// back as one thread (REFERENCES), and with ORDEREDSUBJECT too; raw and
// through go-imap's client; the RFC's THREAD that finds nothing.
func TestThreadThroughList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	postThread(t, e)
	r := e.raw(t)
	r.login()
	r.answer("s", `SELECT "Groups/Team"`)
	cases := []struct{ cmd, want string }{
		{"THREAD REFERENCES UTF-8 ALL", "* THREAD (1 (3 4)(5 6))(2)"},
		{"THREAD ORDEREDSUBJECT UTF-8 ALL", "* THREAD (1 (3)(4)(5)(6))(2)"},
		{"THREAD REFERENCES US-ASCII NOT 1", "* THREAD (2)((3 4)(5 6))"}, // a dummy sorts by its first child (§3, step 4)
		{`THREAD REFERENCES US-ASCII TEXT "gewp"`, "* THREAD"},           // RFC 5256 §4, A286
	}
	for i, c := range cases {
		tag := "t" + string(rune('a'+i))
		untagged, done := r.lines(tag, c.cmd)
		if !reflect.DeepEqual(untagged, []string{c.want}) || done != tag+" OK THREAD completed" {
			t.Errorf("%s: %q %q, want %q", c.cmd, untagged, done, c.want)
		}
	}
	if l := r.answer("u", "THREAD FOO UTF-8 ALL"); !strings.HasPrefix(l, "u BAD") {
		t.Errorf("unknown algorithm: %q", l)
	}
	c := e.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	got, err := c.UIDThread(&imapclient.ThreadOptions{Algorithm: goimap.ThreadReferences, SearchCriteria: &goimap.SearchCriteria{}}).Wait()
	if err != nil || len(got) != 2 || len(got[0].Chain) != 1 || len(got[0].SubThreads) != 2 {
		t.Fatalf("UID THREAD REFERENCES: %+v %v", got, err)
	}
}
