package smtp

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// bareEnds reports whether data holds a CR not before LF or an LF not
// after CR (RFC 5321 §2.3.8).
func bareEnds(data []byte) bool {
	n := bytes.Count(data, []byte("\r\n"))
	return bytes.Count(data, []byte("\r")) != n || bytes.Count(data, []byte("\n")) != n
}

// TestBareCRNeverRelayed (issue 16 item 12): a bare CR before a dot
// ("<CR>.<CR><LF>", which a relay taking it for the end of data would
// split into a smuggled second message) and other bare CRs and LFs are
// made CRLF on acceptance, so that the relay gets CRLF lines only and
// the dot line dot-stuffed.
func TestBareCRNeverRelayed(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	body := "one\r.\r\nMAIL FROM:<x@evil.example>\r\ntwo\rthree\nfour"
	if reply := rawPost(t, w.addr, bob, teamList, []byte(post(bob, "smuggle", body))); !strings.HasPrefix(reply, "250") {
		t.Fatalf("post refused: %s", reply)
	}
	for rcpt, copies := range w.relay.waitRcpts(t, 3) {
		for _, c := range copies {
			if bareEnds(c) {
				t.Errorf("%s got bare CR or LF: %q", rcpt, c)
			}
			if !bytes.Contains(c, []byte("one\r\n.\r\nMAIL FROM:<x@evil.example>\r\ntwo\r\nthree\r\nfour")) {
				t.Errorf("%s got the body changed beyond line ends: %q", rcpt, c)
			}
		}
	}
}

// TestRelayRepairsStoredBareCR: a message queued with a bare CR (stored
// before acceptance repaired them) still reaches the relay with CRLF
// lines only.
func TestRelayRepairsStoredBareCR(t *testing.T) {
	w := newWorld(t, nil, nil)
	w.startQueue(t, nil)
	data := "From: " + alice + "\r\nSubject: old\r\n\r\nold\r.\r\nrow\r\n"
	if err := w.st.Enqueue(context.Background(), alice, []string{stranger}, []byte(data)); err != nil {
		t.Fatal(err)
	}
	got := w.relay.waitRcpts(t, 1)[stranger]
	if len(got) != 1 || bareEnds(got[0]) || !bytes.Contains(got[0], []byte("old\r\n.\r\nrow")) {
		t.Fatalf("relay got %q", got)
	}
}
