package smtp

import (
	"bufio"
	"context"
	"io"
	"maps"
	"net"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

// dotSession is relay_test.go's session with an answer to the final dot
// chosen by the transaction's (accepted) recipients; nil takes the
// message.
type dotSession struct {
	*relaySession
	answer func(rcpts []string) error
}

func (s *dotSession) Data(r io.Reader) error {
	if err := s.answer(s.env.Rcpts); err != nil {
		io.Copy(io.Discard, r)
		return err
	}
	return s.relaySession.Data(r)
}

// scriptRelay is the relay stand-in of relay_test.go (go-smtp's server,
// which offers PIPELINING) answering final dots with answer.
func scriptRelay(t *testing.T, answer func(rcpts []string) error) *relay {
	t.Helper()
	r := &relay{}
	r.addr = testkit.ServeRelay(t, func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &dotSession{relaySession: &relaySession{r: r}, answer: answer}, nil
	})
	return r
}

// withoutPipelining is a proxy to addr that takes PIPELINING out of the
// relay's EHLO answer, so that the queue sends one command at a time.
func withoutPipelining(t *testing.T, addr string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", addr)
			if err != nil {
				c.Close()
				continue
			}
			go func() { io.Copy(up, c); up.Close() }()
			go func() {
				defer c.Close()
				r := bufio.NewReader(up)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if _, err := c.Write([]byte(strings.Replace(line, "PIPELINING", "XPIPELINING", 1))); err != nil {
						return
					}
				}
			}()
		}
	}()
	return l.Addr().String()
}

func answer(code int, enh gosmtp.EnhancedCode, text string) error {
	return &gosmtp.SMTPError{Code: code, EnhancedCode: enh, Message: text}
}

// mixedOutcomes runs one post to a list whose other.example batch has
// every kind of answer: in the members' shared transaction a refused and
// a deferred recipient; external addresses (a transaction each) with a
// refused recipient, a refused and a deferred MAIL, a final dot deferred
// and one refused, and good ones among them and after. It returns each
// row's recorded state, each external address's hard bounces after a DSN
// to x6's token naming x6 and one to x7's naming x6, and how many
// copies each address of other.example got.
func mixedOutcomes(t *testing.T, pipelining bool) (rows map[string]rowState, bounces, copies map[string]int) {
	t.Helper()
	members := []string{"m1@other.example", "m2@other.example", "no-m3@other.example", "tmp-m4@other.example"}
	ext := []string{"x1@other.example", "no-x2@other.example", "mail5-x3@other.example", "dot4-x4@other.example",
		"dot5-x5@other.example", "x6@other.example", "x7@other.example", "mail4-x8@other.example", "x9@other.example"}
	tdb := testdb.New(t)
	w := mixWorld(t, tdb, members, ext)
	w.relay = scriptRelay(t, func(rcpts []string) error {
		switch {
		case strings.HasPrefix(rcpts[0], "dot4-"):
			return answer(451, gosmtp.EnhancedCode{4, 3, 0}, "try later")
		case strings.HasPrefix(rcpts[0], "dot5-"):
			return answer(554, gosmtp.EnhancedCode{5, 6, 0}, "content refused")
		}
		return nil
	})
	w.relay.setRcpt(func(to string) error {
		switch {
		case strings.HasPrefix(to, "no-"):
			return answer(550, gosmtp.EnhancedCode{5, 1, 1}, "no such user")
		case strings.HasPrefix(to, "tmp-"):
			return answer(451, gosmtp.EnhancedCode{4, 2, 1}, "mailbox busy")
		}
		return nil
	})
	if err := send(t, w.addr, alice, []string{teamList}, post(alice, "mixed", "x")); err != nil {
		t.Fatal(err)
	}
	// MAIL is refused by envelope sender: the VERP address of the
	// transaction's row (queued now, delivered once the queue runs).
	ctx := context.Background()
	// The post's recipients are a bundle until the queue makes their
	// rows; make them now, as the queue would, to know their ids.
	if _, err := w.st.Unbundle(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	oid := firstOID(t, tdb)
	msg, err := w.st.LoadOutbound(ctx, oid)
	if err != nil {
		t.Fatal(err)
	}
	refuse := map[string]error{}
	var rid int64
	for rcpt, e := range map[string]error{
		"mail5-x3@other.example": answer(550, gosmtp.EnhancedCode{5, 7, 1}, "sender refused"),
		"mail4-x8@other.example": answer(451, gosmtp.EnhancedCode{4, 3, 2}, "sender deferred"),
	} {
		if err := tdb.SQL(t).QueryRow(tdb.Q(`SELECT rid FROM outbound_rcpts WHERE oid = ? AND rcpt = ?`), oid, rcpt).Scan(&rid); err != nil {
			t.Fatal(err)
		}
		refuse[envelopeFrom(msg, rid)] = e
	}
	w.relay.mu.Lock()
	w.relay.mail = func(from string) error { return refuse[from] }
	w.relay.mu.Unlock()
	if !pipelining {
		w.relay.addr = withoutPipelining(t, w.relay.addr)
	}
	w.startQueue(t, nil)
	rows, rids := attempted(t, tdb, oid)
	for _, e := range w.relay.envelopes() { // each external copy under its own row's VERP sender
		if len(e.Rcpts) == 1 && strings.HasPrefix(e.Rcpts[0], "x") && e.From != envelopeFrom(msg, rids[e.Rcpts[0]]) {
			t.Errorf("%s went from %s", e.Rcpts[0], e.From)
		}
	}
	for _, token := range []string{verpOf(t, w, "x6@other.example"), verpOf(t, w, "x7@other.example")} {
		if err := send(t, w.addr, "", []string{token}, dsn("x6@other.example", "5.1.1")); err != nil {
			t.Fatal(err)
		}
	}
	bounces, copies = map[string]int{}, map[string]int{}
	for _, rcpt := range ext {
		if bounces[rcpt], _, err = w.st.BounceState(ctx, "team", rcpt); err != nil {
			t.Fatal(err)
		}
	}
	for rcpt, got := range w.relay.received() {
		if strings.HasSuffix(rcpt, "@other.example") { // not the masters' failure reports, which come when they come
			copies[rcpt] = len(got)
		}
	}
	return rows, bounces, copies
}

// TestPipelinedOutcomesAsOneByOne: a batch with every kind of answer
// records the same state, attempts, code, error and carrying transaction
// for each row, counts the same bounces (a DSN counts only under the
// token of the transaction that carried its recipient) and sends the
// same copies, pipelined or one command at a time.
func TestPipelinedOutcomesAsOneByOne(t *testing.T) {
	rows, bounces, copies := mixedOutcomes(t, true)
	rows1, bounces1, copies1 := mixedOutcomes(t, false)
	if len(rows) != 15 {
		t.Fatalf("%d rows: %v", len(rows), rows)
	}
	for rcpt, s := range rows1 {
		if rows[rcpt] != s {
			t.Errorf("%s: pipelined %+v, one by one %+v", rcpt, rows[rcpt], s)
		}
	}
	if !maps.Equal(bounces, bounces1) || !maps.Equal(copies, copies1) {
		t.Errorf("bounces %v, one by one %v; copies %v, one by one %v", bounces, bounces1, copies, copies1)
	}
	// The scenario did what it says.
	for rcpt, want := range map[string]string{
		"m1@other.example": "sent 2.0.0 m1", "no-m3@other.example": "failed 5.1.1 ", "tmp-m4@other.example": "queued 4.2.1 ",
		"x1@other.example": "sent 2.0.0 x1", "no-x2@other.example": "failed 5.1.1 ", "mail5-x3@other.example": "failed 5.7.1 ",
		"dot4-x4@other.example": "queued 4.3.0 ", "dot5-x5@other.example": "failed 5.6.0 ", "x6@other.example": "sent 2.0.0 x6",
		"mail4-x8@other.example": "queued 4.3.2 ", "x9@other.example": "sent 2.0.0 x9",
	} {
		s := rows[rcpt]
		if got := s.State + " " + s.Code + " " + strings.Split(s.Carrier, "@")[0]; got != want || s.Attempts != 1 {
			t.Errorf("%s: %+v, want %s", rcpt, s, want)
		}
	}
	if bounces["x6@other.example"] != 1 || bounces["x7@other.example"] != 0 || bounces["no-x2@other.example"] != 1 ||
		bounces["dot5-x5@other.example"] != 0 || bounces["mail5-x3@other.example"] != 0 {
		t.Errorf("bounces %v", bounces)
	}
}
