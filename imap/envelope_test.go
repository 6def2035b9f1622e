package imap

import (
	"bufio"
	"bytes"
	"reflect"
	"testing"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-message/textproto"
)

// fullParseEnvelope builds the ENVELOPE from go-message's full header
// parse: the reference envelope must agree with wherever that parse
// succeeds.
func fullParseEnvelope(t testing.TB, data []byte) (*goimap.Envelope, bool) {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		return nil, false
	}
	return envelopeOf(h), true
}

func envelopeSamples() []string {
	return []string{
		listedHeader,
		"From: a@example.test\r\nSubject: hi\r\n\r\nFrom: body@example.test\r\nSubject: not a field\r\n",
		"subject:  lower case, spaces  \nFROM: B <b@example.test>\nto: c@example.test,\n  d@example.test,\n\tE <e@example.test>\n\n",
		"Subject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\r\n =?utf-8?b?w5xiZXJzaWNodA==?=\r\nFrom: x@example.test\r\n\r\n",
		"Subject: first\r\nSubject: second\r\nTo: one@example.test\r\nTo: two@example.test\r\n\r\n",
		"Subject : space before the colon\r\nDate: Tue, 3 Mar 2026 9:05:00 +0100 (CET)\r\nMessage-ID:\r\n <m@example.test>\r\n\r\n",
		"Cc: Team: a@example.test, b@example.test;\r\nBcc: undisclosed-recipients:;\r\nReply-To: <r@example.test>\r\n\r\n",
		"In-Reply-To: <p1@example.test> <p2@example.test>\r\nSender: s@example.test\r\nX-Empty:\r\n",
		"From: no blank line at the end",
		"",
	}
}

func TestEnvelopeMatchesFullParse(t *testing.T) {
	compared := 0
	for _, s := range envelopeSamples() {
		want, ok := fullParseEnvelope(t, []byte(s))
		if !ok {
			continue
		}
		compared++
		if got := envelope([]byte(s)); !reflect.DeepEqual(got, want) {
			t.Errorf("header %q:\ngot  %+v\nwant %+v", s, got, want)
		}
	}
	if compared < 8 {
		t.Errorf("go-message parsed only %d samples", compared)
	}
	env := envelope([]byte(envelopeSamples()[1]))
	if env.Subject != "hi" || len(env.From) != 1 || env.From[0].Mailbox != "a" {
		t.Errorf("fields after the header were read: %+v", env)
	}
}

// FuzzEnvelope: on any header go-message parses, the skipping parser
// gives the same ENVELOPE; on any input it does not panic. (Input ending
// in a bare CR is not compared: go-message keeps that CR in the value.)
func FuzzEnvelope(f *testing.F) {
	for _, s := range envelopeSamples() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := envelope(data)
		if bytes.HasSuffix(data, []byte("\r")) {
			return
		}
		if want, ok := fullParseEnvelope(t, data); ok && !reflect.DeepEqual(got, want) {
			t.Fatalf("header %q:\ngot  %#v\nwant %#v", data, got, want)
		}
	})
}
