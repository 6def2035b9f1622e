package smtp

import (
	"context"
	"fmt"
	"testing"
	"time"

	"groupd/groups"
)

// TestStalledQueueLeavesBundles: posts are accepted with their
// recipients in a bundle, and the queue makes their rows only as it has
// room for them (groups.Store.Unbundle): while the relay is stalled and
// the one worker is busy, the queue has made the rows of a few posts at
// most, the rest stay bundled; once the relay answers, every recipient
// gets every post exactly once.
func TestStalledQueueLeavesBundles(t *testing.T) {
	w, db := newWorldDB(t, nil)
	ctx := context.Background()
	members := make([]string, 20)
	for i := range members {
		members[i] = fmt.Sprintf("m%02d@example.test", i)
	}
	addUsers(t, w.st, members...)
	for _, m := range members {
		if err := w.st.SetMember(ctx, groups.AdminActor(), "team", m, groups.RoleMember); err != nil {
			t.Fatal(err)
		}
	}
	w.relay.mu.Lock()
	w.relay.delay = 2 * time.Second // stalled: the first DATA takes this long
	w.relay.mu.Unlock()
	const posts = 30
	var ps []*groups.Post
	for i := range posts {
		ps = append(ps, &groups.Post{List: teamList, Sender: bob, MessageID: fmt.Sprintf("s%d@x", i),
			Data: []byte(fmt.Sprintf("From: %s\r\nSubject: stalled %d\r\n\r\nx\r\n", bob, i))})
	}
	if err := w.st.AcceptPosts(ctx, ps); err != nil || ps[0].Err != nil {
		t.Fatal(err, ps[0].Err)
	}
	perPost := ps[0].Recipients // the 20, alice, bob and the list's external partner@
	w.startQueue(t, func(o *QueueOptions) { o.Concurrency = 1; o.BatchSize = 10 })
	for deadline := time.Now().Add(10 * time.Second); w.relay.dataStarted.Load() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the relay got no DATA")
		}
	}
	time.Sleep(300 * time.Millisecond) // 15 polls of the queue
	var rows int
	if err := db.SQL(t).QueryRow(`SELECT count(*) FROM outbound_rcpts`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	// One look makes whole bundles of about the room in flight (at most
	// 2 x Concurrency x BatchSize = 20 rows: one post's): the worker's
	// batch, then the slice dispatch waits to hand over.
	if rows > 2*perPost {
		t.Errorf("with the relay stalled the queue made %d rows, want at most two posts' (%d)", rows, 2*perPost)
	}
	st, err := w.st.OutboundStats(ctx)
	if err != nil || st.Messages != posts || st.Recipients != posts*perPost {
		t.Errorf("queue stats %+v, %v; want %d messages, %d recipients", st, err, posts, posts*perPost)
	}
	w.relay.mu.Lock()
	w.relay.delay = 0
	w.relay.mu.Unlock()
	w.relay.eachGot(t, posts, perPost)
}
