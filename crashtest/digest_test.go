package crashtest

import (
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCrashDigestCommitted (issue 13): groupd is killed with SIGKILL
// after bob's digest is committed to the outbound queue and before it is
// handed to the relay (the relay the daemon first talks to accepts
// connections and never answers, so nothing is handed over). After the
// restart, with a relay that answers, bob gets exactly one digest: the
// queued one is delivered, and none is made again (his mark moved in
// the digest's transaction).
func TestCrashDigestCommitted(t *testing.T) {
	bin := buildGroupd(t)
	sink := newSink(t, 0)
	e := newEnv(t, bin, sink)
	mute := muteRelay(t)
	// Three posts of about 2 KiB pass digest_max_bytes; the digest hour
	// is half a day away.
	e.editConfig(sink.addr, mute, fmt.Sprintf("[mail]\ndigest_max_bytes = 5000\ndigest_hour = %d\n",
		(time.Now().UTC().Hour()+12)%24))
	e.start()
	for _, u := range []string{"alice@example.test", "bob@example.test"} {
		e.mustAPI("POST", "/api/v1/users", "", fmt.Sprintf(`{"email":%q,"name":"N","password":"password1"}`, u), 201)
	}
	e.mustAPI("POST", "/api/v1/groups", "", `{"id":"team","name":"Team","notify":false,"masters":["alice@example.test"],
		"members":["bob@example.test"]}`, 201)
	e.mustAPI("PUT", "/api/v1/groups/team/delivery", "bob@example.test", `{"mode":"digest"}`, 200)
	body := strings.Repeat(strings.Repeat("x", 79)+"\r\n", 25)
	for i := 1; i <= 3; i++ {
		if err := e.post("alice@example.test", "team@lists.example.test", fmt.Sprintf("d%d@crash.test", i), body); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	db := e.db()
	deadline := time.Now().Add(30 * time.Second)
	for count(t, db, `SELECT count(*) FROM outbound WHERE kind = 'digest'`) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no digest was committed in 30s\n%s", e.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	db.Close()
	e.kill()
	if n := sink.copiesTo("bob@example.test"); n != 0 {
		t.Fatalf("bob got %d messages before the restart; the relay was to get nothing", n)
	}

	e.editConfig(mute, sink.addr, "")
	e.start()
	deadline = time.Now().Add(30 * time.Second)
	for sink.copiesTo("bob@example.test") == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	// Give a second digest, were one made, the time to arrive too.
	time.Sleep(2 * time.Second)
	if n := sink.copiesTo("bob@example.test"); n != 1 {
		t.Errorf("after the restart bob got %d digests, want exactly 1", n)
	}
	if n := sink.copiesTo("alice@example.test"); n != 3 {
		t.Errorf("alice (each) got %d copies, want the 3 posts", n)
	}
	db = e.db()
	defer db.Close()
	if n := count(t, db, `SELECT count(*) FROM outbound WHERE kind = 'digest'`); n != 1 {
		t.Errorf("%d digests queued in all, want 1", n)
	}
}

// muteRelay is a relay that accepts connections and never answers: a
// queue that talks to it hands nothing over.
func muteRelay(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, unanswered
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// editConfig points the daemon's relay from one address to another and
// puts mail keys at the start of the [mail] table.
func (e *env) editConfig(from, to, mail string) {
	e.t.Helper()
	b, err := os.ReadFile(e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	s := strings.Replace(string(b), fmt.Sprintf("relay = %q", from), fmt.Sprintf("relay = %q", to), 1)
	if mail != "" {
		s = strings.Replace(s, "[mail]\n", mail, 1)
	}
	if err := os.WriteFile(e.cfg, []byte(s), 0o600); err != nil {
		e.t.Fatal(err)
	}
}
