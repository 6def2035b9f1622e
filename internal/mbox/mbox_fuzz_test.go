package mbox

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// FuzzMbox feeds uploads of POST /groups/convert to the mbox splitter and
// the conversation reader. Properties: no panic; every message split out
// ends in CRLF and has no bare LF; the participants are lower-case
// addresses, each once; one converted message per message split.
func FuzzMbox(f *testing.F) {
	for _, s := range []string{
		"From a@example.test Mon Jan  2 15:04:05 2006\nFrom: a@example.test\nTo: b@example.test, c@example.test\nSubject: hi\n\nbody\n>From the start\n\nFrom b@example.test Tue Jan  3 15:04:05 2006\nFrom: B <B@Example.test>\nDate: Tue, 3 Jan 2006 15:04:05 +0000\n\nreply\n",
		"\n\nFrom x\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n\r\n>>From quoted\r\n",
		"not an mbox\n",
		"From \n",
		"From a b c d e f g\nbad header line\n\n",
		"From a@example.test Mon Jan  2 15:04:05 2006\nFrom: \"unterminated <a@example.test>\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, err := Split(b)
		if err != nil {
			if len(err.Error()) < 10 {
				t.Fatalf("unclear error %q", err)
			}
			return
		}
		for i, m := range msgs {
			if !bytes.HasSuffix(m.Data, []byte("\r\n")) || bytes.Count(m.Data, []byte("\n")) != bytes.Count(m.Data, []byte("\r\n")) {
				t.Fatalf("message %d: %q does not end every line in CRLF", i, m.Data)
			}
		}
		c, err := ReadConversation(msgs, time.Unix(1700000000, 0))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "message ") {
				t.Fatalf("error %q does not say which message", err)
			}
			return
		}
		if len(c.Messages) != len(msgs) {
			t.Fatalf("%d messages split, %d converted", len(msgs), len(c.Messages))
		}
		seen := map[string]bool{}
		for _, p := range c.Participants {
			if p != strings.ToLower(p) || seen[p] {
				t.Fatalf("participant %q repeated or not lower-case", p)
			}
			seen[p] = true
		}
		for _, m := range c.Messages {
			if m.Date.IsZero() {
				t.Fatalf("message without a date: %+v", m)
			}
		}
	})
}

// FuzzMboxRoundTrip writes messages as an mboxrd (">From " quoting) and
// checks that splitMbox gives them back byte for byte.
func FuzzMboxRoundTrip(f *testing.F) {
	f.Add("Subject: a\r\n\r\nFrom here\r\n>From there\r\n", "Subject: b\r\n\r\nx\r\n")
	f.Add("", ">>>From\r\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		var want []string
		var mbox bytes.Buffer
		for _, body := range []string{a, b} {
			// A message is lines ending in CRLF, without bare CR or LF,
			// that does not end in a blank line (the separator's).
			body = strings.NewReplacer("\r", "", "\n", "").Replace(body)
			msg := "X-Test: " + body + "\r\n\r\n" + strings.ReplaceAll(body, " ", "\r\n") + "\r\n"
			want = append(want, msg)
			mbox.WriteString("From sender@example.test Mon Jan  2 15:04:05 2006\n")
			for _, line := range strings.SplitAfter(msg, "\r\n") {
				if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
					line = ">" + line
				}
				mbox.WriteString(line)
			}
			mbox.WriteString("\n")
		}
		msgs, err := Split(mbox.Bytes())
		if err != nil || len(msgs) != len(want) {
			t.Fatalf("split %q: %d messages, %v", mbox.Bytes(), len(msgs), err)
		}
		for i, m := range msgs {
			if string(m.Data) != want[i] {
				t.Fatalf("message %d: got %q, want %q", i, m.Data, want[i])
			}
		}
	})
}
