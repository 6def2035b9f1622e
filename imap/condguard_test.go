package imap

import (
	"strings"
	"testing"
)

// TestCondRewrites: the guard hands go-imap FETCH, STORE and SEARCH lines
// it parses, with the CONDSTORE parts replaced by markers (condguard.go).
func TestCondRewrites(t *testing.T) {
	t.Parallel()
	x := newExtTable()
	k := x.key
	fetches := []struct{ in, want string }{
		{"a FETCH 1:* (FLAGS MODSEQ)\r\n", "a FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (" + k + " 1)])\r\n"},
		{"a UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (From Subject)]<0.100>) (CHANGEDSINCE 12345 VANISHED)\r\n",
			"a UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (From Subject)]<0.100> BODY.PEEK[HEADER.FIELDS (" + k + " 2)])\r\n"},
		{"a FETCH 2 ALL (CHANGEDSINCE 7)\r\n", "a FETCH 2 (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY.PEEK[HEADER.FIELDS (" + k + " 3)])\r\n"},
		{"a FETCH 2 MODSEQ\r\n", "a FETCH 2 (BODY.PEEK[HEADER.FIELDS (" + k + " 4)])\r\n"},
	}
	for _, c := range fetches {
		name, _ := commandArgs([]byte(c.in))
		got, answer, ok := x.rewriteFetch([]byte(c.in), name)
		if !ok || answer != "" || string(got) != c.want {
			t.Errorf("%q: %q %q, want %q", c.in, got, answer, c.want)
		}
	}
	if _, _, ok := x.rewriteFetch([]byte("a FETCH 1 (FLAGS BODY[HEADER.FIELDS (MODSEQ)])\r\n"), "FETCH"); ok {
		t.Error("a header named MODSEQ was taken for the item")
	}
	if _, answer, _ := x.rewriteFetch([]byte("a FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)\r\n"), "FETCH"); !strings.HasPrefix(answer, "BAD") {
		t.Errorf("VANISHED without UID: %q", answer)
	}
	stores := []struct{ in, want string }{
		{"s STORE 1:3 (UNCHANGEDSINCE 9) +FLAGS (\\Seen)\r\n", "s STORE 1:3 +FLAGS (\\Seen " + k + "-5)\r\n"},
		{"s UID STORE 4 (UNCHANGEDSINCE 9) FLAGS ()\r\n", "s UID STORE 4 FLAGS (" + k + "-6)\r\n"},
		{"s STORE 1 (UNCHANGEDSINCE 0) -FLAGS.SILENT \\Seen $x\r\n", "s STORE 1 -FLAGS.SILENT \\Seen $x " + k + "-7\r\n"},
	}
	for _, c := range stores {
		if got, answer, ok := x.rewriteStore([]byte(c.in)); !ok || answer != "" || string(got) != c.want {
			t.Errorf("%q: %q %q, want %q", c.in, got, answer, c.want)
		}
	}
	if _, _, ok := x.rewriteStore([]byte("s STORE 1 +FLAGS (\\Seen)\r\n")); ok {
		t.Error("a plain STORE was rewritten")
	}
	m := x.modseqKey()
	searches := []struct{ in, want string }{
		{"q SEARCH MODSEQ 5\r\n", "q SEARCH HEADER " + m + " 5\r\n"},
		{"q SEARCH OR NOT MODSEQ \"/flags/\\\\draft\" all 620162338 SUBJECT MODSEQ\r\n",
			"q SEARCH OR NOT HEADER " + m + " 620162338 SUBJECT MODSEQ\r\n"},
		{"q SEARCH HEADER MODSEQ 5\r\n", "q SEARCH HEADER MODSEQ 5\r\n"},
	}
	for _, c := range searches {
		if got := x.rewriteModSeq([]byte(c.in)); string(got) != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

// TestSelectParams: RFC 7162 §3.1.8 and §3.2.5 parameters.
func TestSelectParams(t *testing.T) {
	t.Parallel()
	l, p, answer := parseSelectParams([]byte(`s SELECT "Groups/Team" (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1:10 41:50)))` + "\r\n"))
	if answer != "" || string(l) != "s SELECT \"Groups/Team\"\r\n" || !p.qresync || p.validity != 67890007 ||
		p.modseq != 20050715194045000 || p.known != "41,43:211,214:541" || p.seqs != "1:10" {
		t.Fatalf("%q %+v %q", l, p, answer)
	}
	if _, p, _ := parseSelectParams([]byte("s EXAMINE INBOX (CONDSTORE)\r\n")); p == nil || !p.condstore {
		t.Fatalf("CONDSTORE: %+v", p)
	}
	for _, bad := range []string{"s SELECT INBOX (QRESYNC (0 1))\r\n", "s SELECT INBOX (FOO)\r\n", "s SELECT INBOX (QRESYNC (1))\r\n"} {
		if _, _, answer := parseSelectParams([]byte(bad)); !strings.HasPrefix(answer, "BAD") {
			t.Errorf("%q: %q", bad, answer)
		}
	}
	if got := missing([]uidRange{{1, 10}}, []uint32{2, 3, 7}); got != "1,4:6,8:10" {
		t.Errorf("missing: %q", got)
	}
}
