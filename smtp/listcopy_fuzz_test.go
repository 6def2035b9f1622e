package smtp

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// FuzzListCopyFields puts fuzzed header fields in a post and makes its
// list copy as if every DKIM signature of it verified and covered them
// all (issue 16 items 8 and 9). Properties: a message with two From (or
// Sender) fields is refused, one with a From is not for that reason; the
// copy carries the list's List-Id, List-Post, Precedence and X-Loop once,
// first, and no Return-Path, List-Unsubscribe or other List-* field of
// the sender's.
func FuzzListCopyFields(f *testing.F) {
	for _, s := range []string{
		"List-Unsubscribe: <https://evil.example/unsub>\r\nReturn-Path: <x@evil.example>\r\nPrecedence: bulk\r\n",
		"From: b@example.test\r\n",
		"Sender: a@example.test\r\nSender: b@example.test\r\n",
		"list-ID:\r\n <folded.evil.example>\r\nLIST-POST : <mailto:x@evil.example>\r\n",
		"X-Loop: team@lists.example.test\r\nX-Loop: other@else.example\r\n",
		"DKIM-Signature: v=1; h=list-id:return-path:subject; b=x\r\nSubject: s\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, fields []byte) {
		raw := append([]byte("From: a@example.test\r\n"), fields...)
		m, err := readMessage(bytes.NewReader(append(raw, "\r\n\r\nbody\r\n"...)), 1<<16, 200, "")
		if err != nil {
			return
		}
		_, ferr := m.fromAddrs()
		if n := len(m.h.Values("From")); n > 1 && ferr == nil {
			t.Fatalf("%d From fields accepted", n)
		}
		if _, serr := m.senderAddr(); len(m.h.Values("Sender")) > 1 && serr == nil {
			t.Fatal("two Sender fields accepted")
		}
		all := []string{"subject", "from"}
		for _, fl := range splitFields(m.header) {
			name, _, _ := bytes.Cut(fl, []byte(":"))
			all = append(all, strings.ToLower(strings.TrimSpace(string(name))))
		}
		m.dkim = []dkimPass{{domain: "example.test", fields: all}}
		out := testListCopy(m, fuzzTarget, receivedField("h", "127.0.0.1", "lists.example.test", "id", fuzzTarget.List, time.Unix(1700000000, 0)), "[Team]", "", nil)
		c, err := readMessage(bytes.NewReader(out), 1<<20, 10000, "")
		if err != nil {
			t.Fatalf("list copy does not parse: %v", err)
		}
		for name, n := range map[string]int{"List-Id": 1, "List-Post": 1, "List-Owner": 1, "List-Help": 1,
			"List-Subscribe": 1, "Precedence": 1, "X-Loop": 1, "Return-Path": 0, "List-Unsubscribe": 0, "List-Archive": 0} {
			if v := c.h.Values(name); len(v) != n && !(name == "X-Loop" && len(v) > 1 && v[0] == fuzzTarget.List) {
				t.Fatalf("%s: %q in the copy of %q", name, v, fields)
			}
		}
		for _, v := range c.h.Values("X-Loop")[1:] {
			if strings.EqualFold(strings.TrimSpace(v), fuzzTarget.List) {
				t.Fatalf("the sender's X-Loop naming the list kept: %q", c.h.Values("X-Loop"))
			}
		}
		if c.h.Values("Precedence")[0] != "list" || !strings.Contains(c.h.Get("List-Post"), fuzzTarget.List) {
			t.Fatalf("list fields %q %q", c.h.Get("Precedence"), c.h.Get("List-Post"))
		}
	})
}
