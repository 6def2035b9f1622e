package crashtest

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCrashHeldPosts (issue 13): on a list that holds every post, groupd
// is killed with SIGKILL at random points while bob posts: every post
// answered 250 is held after the restart (in the database, and in the
// API's list of held posts after the last restart), whole, and in no archive and
// no queue (nothing reaches a member). Then the held posts are aged by
// mail.hold_days, as the clock would, while the daemon is stopped (the
// binary has no clock to set: the rows' received_at is moved back 15
// days instead), and the restarted daemon expires every one of them at
// start and tells bob, their verified author, once per post.
func TestCrashHeldPosts(t *testing.T) {
	bin := buildGroupd(t)
	e := newEnv(t, bin, newSink(t, 0))
	rnd := newRand(t)
	e.start()
	setupTeam(t, e)
	e.mustAPI("PATCH", "/api/v1/groups/team", "alice@example.test", `{"mailing_list":{"moderation":"all"}}`, 200)
	e.relay.settle(10 * time.Second)
	before := e.relay.copiesTo("bob@example.test")
	var acked []string
	violations := 0
	for p := 0; p < points(t); p++ {
		if p > 0 {
			e.start()
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Go(func() {
				for j := 0; ; j++ {
					id := fmt.Sprintf("h%d-w%d-%d@crash.test", p, w, j)
					if err := e.post("bob@example.test", "team@lists.example.test", id, "held "+id); err != nil {
						return
					}
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			})
		}
		time.Sleep(time.Duration(50+rnd.IntN(400)) * time.Millisecond)
		e.kill()
		wg.Wait()
		v := checkHeld(t, e, acked)
		v = append(v, e.checkStore()...)
		for _, s := range v {
			t.Errorf("kill point %d: %s", p, s)
		}
		violations += len(v)
	}
	t.Logf("held posts: %d kill points, %d posts acknowledged and held, %d violations", points(t), len(acked), violations)
	if len(acked) == 0 {
		t.Fatal("no post was acknowledged")
	}

	e.start()
	held := e.heldByAPI()
	if held < len(acked) {
		t.Errorf("after the restart the API lists %d held posts, want %d at least", held, len(acked))
	}
	e.kill()
	db := e.db()
	if _, err := db.Exec(`UPDATE held_posts SET received_at = received_at - 15*86400`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	e.start()
	deadline := time.Now().Add(30 * time.Second)
	for e.relay.copiesTo("bob@example.test")-before < held && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	db = e.db()
	defer db.Close()
	if n := count(t, db, `SELECT count(*) FROM held_posts`); n != 0 {
		t.Errorf("%d held posts left after the restart past mail.hold_days", n)
	}
	if got := e.relay.copiesTo("bob@example.test") - before; got != held {
		t.Errorf("bob was told of %d expired posts, want %d (one per held post)", got, held)
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE message_id LIKE '%@crash.test>' AND message_id LIKE '<h%'`); n != 0 {
		t.Errorf("%d expired posts were archived", n)
	}
}

// checkHeld checks, after a kill, that every acknowledged post is held
// whole and none went to the archive or the queue.
func checkHeld(t *testing.T, e *env, acked []string) []string {
	db := e.db()
	defer db.Close()
	held := map[string]bool{}
	rows, err := db.Query(`SELECT message_id, data FROM held_posts`)
	if err != nil {
		return []string{"read held posts: " + err.Error()}
	}
	var v []string
	for rows.Next() {
		var id string
		var data []byte
		rows.Scan(&id, &data)
		id = strings.Trim(id, "<>")
		held[id] = true
		if !strings.Contains(string(data), "\r\n\r\nheld "+id) {
			v = append(v, "held post "+id+" is not whole")
		}
	}
	rows.Close()
	for _, id := range acked {
		if !held[id] {
			v = append(v, "acknowledged post "+id+" is not held")
		}
		if got := queuedFor(t, db, id); len(got) > 0 {
			v = append(v, fmt.Sprintf("held post %s queued for %v", id, got))
		}
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE message_id LIKE '<h%@crash.test>'`); n != 0 {
		v = append(v, fmt.Sprintf("%d held posts archived", n))
	}
	return v
}

// heldByAPI is how many posts GET /api/v1/groups/team/held lists to
// alice, a master.
func (e *env) heldByAPI() int {
	e.t.Helper()
	req, _ := http.NewRequest("GET", "http://"+e.http+"/api/v1/groups/team/held", nil)
	req.SetBasicAuth("alice@example.test", "password1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Held []json.RawMessage }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 {
		e.t.Fatalf("GET held: %d %v", res.StatusCode, err)
	}
	return len(out.Held)
}

// copiesTo is how many messages (with a Message-ID) rcpt received.
func (s *sink) copiesTo(rcpt string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, rc := range s.got {
		n += rc[rcpt]
	}
	return n
}

// count runs a count query.
func count(t *testing.T, db *sql.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
