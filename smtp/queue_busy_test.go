package smtp

import (
	"context"
	"fmt"
	"testing"
	"time"

	"groupd/groups"
)

// TestBusyQueueSendsEachCopyOnce: posts keep arriving while earlier ones
// are still being handed to a slow relay (most queued rows in flight).
// The queue looks only for rows queued since it last looked between its
// full looks (PollInterval, here an hour: only the first look is full),
// and each member still gets each post exactly once. The 300 are
// internal members, whose copies share transactions (BatchSize); an
// external address's copy goes alone with its unsubscribe link.
func TestBusyQueueSendsEachCopyOnce(t *testing.T) {
	ext := make([]string, 300)
	for i := range ext {
		ext[i] = fmt.Sprintf("m%03d@example.test", i)
	}
	w := newWorld(t, &groups.ListSpec{SendRestriction: ptr("anyone"), ExternalMembers: &[]string{}}, nil)
	addUsers(t, w.st, ext...)
	for _, m := range ext {
		if err := w.st.SetMember(context.Background(), groups.AdminActor(), "team", m, groups.RoleMember); err != nil {
			t.Fatal(err)
		}
	}
	w.relay.mu.Lock()
	w.relay.delay = 20 * time.Millisecond
	w.relay.mu.Unlock()
	w.startQueue(t, func(o *QueueOptions) { o.Concurrency = 2; o.PollInterval = time.Hour })
	const posts = 20
	for i := range posts {
		if err := send(t, w.addr, bob, []string{teamList}, post(bob, fmt.Sprintf("busy %d", i), "x")); err != nil {
			t.Fatal(err)
		}
	}
	members := len(ext) + 2 // and alice, bob
	w.relay.eachGot(t, posts, members)
}
