package smtp

import (
	"context"
	"strings"
	"testing"
	"time"

	"groupd/groups"
	"groupd/internal/testdb"
)

// mixWorld is a store on tdb with the list team: alice its master, bob
// and members (users) its members, ext its external addresses; the real
// server on loopback, and no relay yet (the test sets w.relay).
func mixWorld(t *testing.T, tdb testdb.DB, members, ext []string) *world {
	t.Helper()
	st := newStoreAt(t, tdb)
	addUsers(t, st, append([]string{alice, bob}, members...)...)
	addGroup(t, st, "team", []string{alice}, append([]string{bob}, members...), &groups.ListSpec{ExternalMembers: &ext})
	w := &world{st: st, relay: &relay{}}
	w.addr = startServer(t, st, nil)
	return w
}

// rowState is what the queue recorded for a recipient row: its state,
// attempts, enhanced code and error, and the recipient whose row names
// the transaction that carried it (txn: its VERP token's row).
type rowState struct {
	State       string
	Attempts    int
	Code, Error string
	Carrier     string
}

// firstOID is the oid of the first message queued (the post: groups are
// made without notices).
func firstOID(t *testing.T, tdb testdb.DB) int64 {
	t.Helper()
	var oid int64
	if err := tdb.SQL(t).QueryRow(`SELECT MIN(oid) FROM outbound`).Scan(&oid); err != nil {
		t.Fatal(err)
	}
	return oid
}

// attempted waits until every row of message oid has been tried once,
// and returns the rows by recipient, and their rids.
func attempted(t *testing.T, tdb testdb.DB, oid int64) (map[string]rowState, map[string]int64) {
	t.Helper()
	db := tdb.SQL(t)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var left int
		// Untried: a row not attempted yet, or the post's recipients still
		// in their bundle (no rows made yet).
		if err := db.QueryRow(tdb.Q(`SELECT (SELECT count(*) FROM outbound_rcpts WHERE oid = ? AND attempts = 0)
			+ (SELECT count(*) FROM outbound_bundles WHERE oid = ?)`), oid, oid).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rows of message %d not tried", left, oid)
		}
	}
	rows, err := db.Query(tdb.Q(`SELECT r.rid, r.rcpt, r.state, r.attempts, r.code, r.last_error, COALESCE(c.rcpt, '')
		FROM outbound_rcpts r LEFT JOIN outbound_rcpts c ON c.rid = r.txn WHERE r.oid = ?`), oid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out, rids := map[string]rowState{}, map[string]int64{}
	for rows.Next() {
		var rid int64
		var rcpt string
		var s rowState
		if err := rows.Scan(&rid, &rcpt, &s.State, &s.Attempts, &s.Code, &s.Error, &s.Carrier); err != nil {
			t.Fatal(err)
		}
		out[rcpt], rids[rcpt] = s, rid
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out, rids
}

// TestPipelineOneRoundTripEach: with PIPELINING, each transaction of a
// batch goes behind the previous one's message, before its answer (RFC
// 2920 §3.1): the relay answers each final dot only when the next
// transaction's DATA (or RSET) has arrived, so the batch's last dot alone
// waits for quiet. One at a time, every dot would wait. Refused ones in
// between (a refused recipient: a lone dot to a relay that said 354
// anyway, then RSET; a refused DATA: RSET) keep their own answers, and
// each address gets its own copy under its own VERP sender.
func TestPipelineOneRoundTripEach(t *testing.T) {
	h := startHoldRelay(t, 500*time.Millisecond)
	tdb := testdb.New(t)
	ext := []string{"p1-ok@other.example", "p2-late@other.example", "p3-no@other.example", "p4-ok@other.example", "p5-ok@other.example"}
	w := mixWorld(t, tdb, nil, ext)
	w.relay.addr = h.addr
	w.startQueue(t, func(o *QueueOptions) { o.PublicURL = "https://groups.example.test" })
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "pipelined", "x")); err != nil {
		t.Fatal(err)
	}
	oid := firstOID(t, tdb)
	rows, rids := attempted(t, tdb, oid)
	want := map[string]rowState{
		"p1-ok@other.example":   {State: "sent", Attempts: 1, Code: "2.0.0", Carrier: "p1-ok@other.example"},
		"p2-late@other.example": {State: "queued", Attempts: 1, Code: "4.3.0", Error: "451 4.3.0 not now"},
		"p3-no@other.example":   {State: "failed", Attempts: 1, Code: "5.1.1", Error: "550 5.1.1 no such user"},
		"p4-ok@other.example":   {State: "sent", Attempts: 1, Code: "2.0.0", Carrier: "p4-ok@other.example"},
		"p5-ok@other.example":   {State: "sent", Attempts: 1, Code: "2.0.0", Carrier: "p5-ok@other.example"},
	}
	for rcpt, s := range want {
		if rows[rcpt] != s {
			t.Errorf("%s: %+v, want %+v", rcpt, rows[rcpt], s)
		}
	}
	dots := h.dotsOf("other.example") // p1, p3's lone dot, p4, p5; p2's DATA was refused
	waited := 0
	for _, d := range dots {
		if d.waited {
			waited++
		}
	}
	if len(dots) != 4 || waited != 1 || !dots[len(dots)-1].waited {
		t.Fatalf("%d final dots, %d of them answered only after quiet (want 4, the last one alone): %+v", len(dots), waited, dots)
	}
	msg, err := w.st.LoadOutbound(context.Background(), oid)
	if err != nil {
		t.Fatal(err)
	}
	got := h.received()
	for _, rcpt := range []string{"p1-ok@other.example", "p4-ok@other.example", "p5-ok@other.example"} {
		if len(got[rcpt]) != 1 {
			t.Fatalf("%s got %d copies", rcpt, len(got[rcpt]))
		}
		if from := h.from(rcpt); from != envelopeFrom(msg, rids[rcpt]) {
			t.Errorf("%s went from %s, not its own VERP address", rcpt, from)
		}
		lu := fieldValues([]byte(got[rcpt][0]), "List-Unsubscribe")
		url, _, _ := strings.Cut(strings.Trim(firstOr(lu), "<"), ">")
		u, err := w.st.LookupUnsubscribe(context.Background(), strings.TrimPrefix(url, "https://groups.example.test/u/"))
		if err != nil || u.Address != rcpt {
			t.Errorf("%s got the copy of %+v (%v)", rcpt, u, err)
		}
	}
}

func firstOr(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// TestPipelineConnectionLost: when the connection fails mid-batch, the
// transactions before are recorded as the relay answered them, and the
// one in progress and every later one are put back for a retry, as one
// at a time.
func TestPipelineConnectionLost(t *testing.T) {
	h := startHoldRelay(t, 500*time.Millisecond)
	tdb := testdb.New(t)
	ext := []string{"p1-ok@other.example", "p2-ok@other.example", "p3-cut@other.example", "p4-ok@other.example"}
	w := mixWorld(t, tdb, nil, ext)
	w.relay.addr = h.addr
	w.startQueue(t, nil)
	if err := send(t, w.addr, bob, []string{teamList}, post(bob, "cut", "x")); err != nil {
		t.Fatal(err)
	}
	rows, rids := attempted(t, tdb, firstOID(t, tdb))
	if rids[ext[0]] > rids[ext[1]] || rids[ext[1]] > rids[ext[2]] || rids[ext[2]] > rids[ext[3]] {
		t.Fatalf("rows not in the order assumed: %v", rids)
	}
	for _, rcpt := range ext[:2] {
		if s := rows[rcpt]; s.State != "sent" || s.Attempts != 1 || len(h.received()[rcpt]) != 1 {
			t.Errorf("%s: %+v, %d copies; want sent once", rcpt, s, len(h.received()[rcpt]))
		}
	}
	for _, rcpt := range ext[2:] {
		if s := rows[rcpt]; s.State != "queued" || s.Attempts != 1 || !strings.HasPrefix(s.Code, "4.") {
			t.Errorf("%s: %+v; want queued for a retry after the connection failed", rcpt, s)
		}
	}
}

// TestPipelineAfterDroppedConnection: when the relay has closed the
// connection a worker kept, a pipelined batch goes at once on a new one
// (no back-off), as a single transaction does (TestRelayDroppedConnection).
func TestPipelineAfterDroppedConnection(t *testing.T) {
	const m = "m@other.example" // the list's only member: its batch is all other.example
	st := newStore(t)
	addUsers(t, st, m)
	addGroup(t, st, "solo", []string{m}, []string{m}, &groups.ListSpec{SendRestriction: ptr("anyone"),
		ExternalMembers: &[]string{"x1@other.example", "x2@other.example"}})
	w := &world{st: st, relay: startRelay(t)}
	w.addr = startServer(t, st, nil)
	clk := &clock{}
	w.startQueue(t, func(o *QueueOptions) { o.Now = clk.now; o.Concurrency = 1 })
	for i, subject := range []string{"one", "two"} {
		if i > 0 {
			w.relay.dropConns()
		}
		msg := "From: " + stranger + "\r\nSubject: " + subject + "\r\n\r\nx\r\n"
		if err := send(t, w.addr, stranger, []string{"solo@" + listDomain}, msg); err != nil {
			t.Fatal(err)
		}
		w.relay.waitRcpts(t, 3*(i+1))
	}
	if n := len(w.relay.envelopes()); n != 6 {
		t.Fatalf("%d transactions, want 6", n)
	}
}
