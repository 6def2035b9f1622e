package smtp

import (
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // counts rows behind the store's back

	"groupd/internal/testkit"

	"groupd/internal/testdb"
)

// rawPost is testkit.RawPost.
func rawPost(t *testing.T, addr, from, rcpt string, data []byte) string {
	t.Helper()
	return testkit.RawPost(t, addr, from, rcpt, data)
}

// newWorldDB is newWorld (no list settings) with the store's database
// one the test knows, so that it can count rows with its own connection.
func newWorldDB(t *testing.T, opt func(*Options)) (w *world, db testdb.DB) {
	t.Helper()
	db = testdb.New(t)
	return newWorldAt(t, newStoreAt(t, db), nil, opt), db
}

// storeRows counts, beside the store, the archive rows of group and the
// outbound queue's messages and recipients (rows, and the recipients of
// posts not yet expanded from their bundle: groups.Unbundle).
func storeRows(t *testing.T, tdb testdb.DB, group string) (archived, msgs, rcpts int) {
	t.Helper()
	db := tdb.SQL(t)
	for _, q := range []struct {
		n   *int
		sql string
	}{
		{&archived, `SELECT count(*) FROM messages m JOIN groups g ON g.gid = m.gid WHERE g.id = '` + group + `'`},
		{&msgs, `SELECT count(*) FROM outbound`},
		{&rcpts, `SELECT CAST((SELECT count(*) FROM outbound_rcpts) + (SELECT COALESCE(SUM(n), 0) FROM outbound_bundles) AS BIGINT)`},
	} {
		if err := db.QueryRow(q.sql).Scan(q.n); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	return
}

// TestBadInput: each hostile or broken message gets a clear answer,
// nothing of a refused one goes out or is half-stored (the archive and
// the outbound queue hold exactly the accepted posts), and the server
// keeps serving.
func TestBadInput(t *testing.T) {
	w, path := newWorldDB(t, func(o *Options) { o.MaxMessageBytes = 256 << 10 })
	w.startQueue(t, nil)
	hdr := "From: " + bob + "\r\nTo: " + teamList + "\r\n"
	cases := []struct {
		name   string
		data   string
		answer string // prefix of the answer
		out    bool   // fanned out
	}{
		{"malformed header line", "this is not a header\r\n" + hdr + "Subject: x\r\n\r\nbody", "554 5.6.0", false},
		{"header starting with a fold", " folded\r\n" + hdr + "\r\nbody", "554 5.6.0", false},
		{"no From", "To: " + teamList + "\r\nSubject: x\r\n\r\nbody", "554 5.6.0", false},
		{"NUL byte", hdr + "Subject: nul\r\n\r\nbo\x00dy", "554 5.6.0", false},
		{"10,000-line header", hdr + strings.Repeat("X-Filler: 0123456789\r\n", 10000) + "\r\nbody", "552 5.3.4", false},
		{"oversize", hdr + "Subject: big\r\n\r\n" + strings.Repeat(strings.Repeat("z", 98)+"\r\n", 3000), "552 5.3.4", false},
		{"malformed MIME", hdr + "Subject: mime\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--nothing\r\nbroken", "250", true},
		{"8-bit header", hdr + "Subject: Grüße aus Köln ☃\r\n\r\nbody", "250", true},
		{"bare LF", strings.ReplaceAll(hdr+"Subject: lf\r\n\r\nline one\r\nline two", "\r\n", "\n"), "250", true},
	}
	sent := 0
	for _, c := range cases {
		got := rawPost(t, w.addr, bob, teamList, []byte(c.data))
		if !strings.HasPrefix(got, c.answer) {
			t.Errorf("%s: answer %q, want %s", c.name, got, c.answer)
		}
		if c.out {
			sent += 3
		}
	}
	got := w.relay.waitRcpts(t, sent)
	w.relay.quiet(t, 200*time.Millisecond, sent)
	for _, msgs := range got {
		for _, m := range msgs {
			s := string(m)
			if strings.Contains(s, "\x00") || strings.Contains(s, "X-Filler") || strings.Contains(s, "zzzz") {
				t.Fatalf("a refused message went out:\n%.300s", s)
			}
			if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") {
				t.Fatalf("bare LF went out: %q", s)
			}
		}
	}
	found := false
	for _, m := range got[alice] {
		found = found || header(m, "Subject") == "Grüße aus Köln ☃"
	}
	if !found {
		t.Fatal("the 8-bit subject did not arrive intact")
	}
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "still here", "x")); err != nil {
		t.Fatalf("server stopped serving: %v", err)
	}
	accepted := sent/3 + 1
	w.relay.waitRcpts(t, sent+3)
	archived, msgs, rcpts := storeRows(t, path, "team")
	if archived != accepted || msgs != accepted || rcpts != 3*accepted {
		t.Fatalf("the store holds %d archived posts and %d queued messages with %d recipient rows, want %d, %d and %d (the accepted posts only)",
			archived, msgs, rcpts, accepted, accepted, 3*accepted)
	}
}
