package crashtest

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// members of the group "team"; alice posts.
var members = []string{"alice@example.test", "bob@example.test", "carol@example.test", "dave@example.test",
	"erin@example.test", "frank@example.test"}

// setupTeam creates the users and the group team, with one external
// member, and returns the recipients a post to team is queued for (read
// off a first post, so that the rule of who gets a copy stays the
// daemon's).
func setupTeam(t *testing.T, e *env) []string {
	t.Helper()
	for _, m := range members {
		e.mustAPI("POST", "/api/v1/users", "", fmt.Sprintf(`{"email":%q,"name":"N","password":"password1"}`, m), 201)
	}
	e.mustAPI("POST", "/api/v1/groups", "", `{"id":"team","name":"Team","notify":false,"masters":["alice@example.test"],
		"members":["`+strings.Join(members[1:], `","`)+`"],
		"mailing_list":{"enabled":true,"external_members":["partner@other.example"]}}`, 201)
	if err := e.post("alice@example.test", "team@lists.example.test", "baseline@crash.test", "first"); err != nil {
		t.Fatalf("baseline post: %v", err)
	}
	db := e.db()
	defer db.Close()
	rcpts := queuedFor(t, db, "baseline@crash.test")
	if len(rcpts) < len(members) {
		t.Fatalf("baseline post queued for %v only", rcpts)
	}
	return rcpts
}

// queuedFor lists the recipients queued (or already sent) for the list
// copy of the post with Message-ID id: its queue rows, or the recipients
// of its bundle while the queue has not made its rows (groups.Unbundle;
// a post has one or the other, in one transaction).
func queuedFor(t *testing.T, db *sql.DB, id string) []string {
	t.Helper()
	// An archived post's queue row names its archived copy (outbound.mid)
	// instead of holding the bytes.
	rows, err := db.Query(`SELECT 0, r.rcpt FROM outbound o JOIN outbound_rcpts r ON r.oid = o.oid
		WHERE o.kind = 'post' AND (o.mid IN (SELECT mid FROM messages WHERE message_id IN (?1, ?2))
		  OR instr(CAST(o.data AS TEXT), ?2) > 0)
		UNION ALL SELECT 1, b.rcpts FROM outbound o JOIN outbound_bundles b ON b.oid = o.oid
		WHERE o.kind = 'post' AND (o.mid IN (SELECT mid FROM messages WHERE message_id IN (?1, ?2))
		  OR instr(CAST(o.data AS TEXT), ?2) > 0)`, id, "<"+id+">")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var bundle bool
		var r string
		rows.Scan(&bundle, &r)
		list := []string{r}
		if bundle { // a JSON array of addresses
			if err := json.Unmarshal([]byte(r), &list); err != nil {
				t.Fatalf("bundle %q: %v", r, err)
			}
		}
		for _, x := range list {
			out = append(out, strings.ToLower(x))
		}
	}
	sort.Strings(out)
	return out
}

// TestCrashPosting kills groupd at random points while posts stream in
// over SMTP: every post answered 250 must be archived and queued for every
// recipient; no archived post may be without its queue rows or body.
func TestCrashPosting(t *testing.T) {
	bin := buildGroupd(t)
	e := newEnv(t, bin, newSink(t, 0))
	rnd := newRand(t)
	e.start()
	want := setupTeam(t, e)
	var acked []string
	violations := 0
	for p := 0; p < points(t); p++ {
		if p > 0 {
			e.start()
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for w := 0; w < 2; w++ { // two concurrent posters
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; ; j++ {
					id := fmt.Sprintf("p%d-w%d-%d@crash.test", p, w, j)
					if err := e.post("alice@example.test", "team@lists.example.test", id, "body of "+id); err != nil {
						return
					}
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Duration(rnd.IntN(400)) * time.Millisecond)
		e.kill()
		wg.Wait()
		v := checkPosts(t, e, acked, want)
		v = append(v, e.checkStore()...)
		for _, s := range v {
			t.Errorf("kill point %d: %s", p, s)
		}
		violations += len(v)
	}
	t.Logf("posting: %d kill points, %d posts acknowledged, %d violations", points(t), len(acked), violations)
}

// checkPosts checks the archive and queue after a crash.
func checkPosts(t *testing.T, e *env, acked, want []string) []string {
	db := e.db()
	defer db.Close()
	var v []string
	archived := map[string]bool{}
	rows, err := db.Query(`SELECT message_id, size, length(data) FROM messages`)
	if err != nil {
		return []string{"read archive: " + err.Error()}
	}
	for rows.Next() {
		var id string
		var size, n int
		rows.Scan(&id, &size, &n)
		id = strings.Trim(id, "<>")
		archived[id] = true
		if size != n {
			v = append(v, fmt.Sprintf("archived %s is %d bytes, recorded as %d (half-written)", id, n, size))
		}
	}
	rows.Close()
	for _, id := range acked {
		if !archived[id] {
			v = append(v, "acknowledged post "+id+" is not in the archive")
		}
		if got := queuedFor(t, db, id); strings.Join(got, ",") != strings.Join(want, ",") {
			v = append(v, fmt.Sprintf("acknowledged post %s queued for %v, want %v", id, got, want))
		}
	}
	// An archived post that was not acknowledged (the kill came between
	// commit and 250) must be whole all the same.
	for id := range archived {
		if strings.HasSuffix(id, "@crash.test") {
			if got := queuedFor(t, db, id); strings.Join(got, ",") != strings.Join(want, ",") {
				v = append(v, fmt.Sprintf("archived post %s queued for %v, want %v (half-written)", id, got, want))
			}
		}
	}
	return v
}
