package groups

import (
	"context"
	"sync"
	"time"
)

// Change kinds published on the change feed.
const (
	ChangeGroupCreated  = "group.created"
	ChangeGroupUpdated  = "group.updated" // settings, features
	ChangeGroupDeleted  = "group.deleted"
	ChangeMemberAdded   = "member.added"
	ChangeMemberRemoved = "member.removed"
	ChangePolicy        = "policy.updated"
	ChangePurged        = "data.purged" // Feature names what was purged
	ChangeData          = "data.changed"
	// ChangeSessionsEnded: a user's password changed or the account went;
	// User names them. Their other sessions end (console, IMAP).
	ChangeSessionsEnded = "user.sessions_ended"
	// ChangeResync: changes committed by other nodes on the same
	// PostgreSQL database may have been missed (the connection that
	// carries them dropped and is back). A subscriber looks again at
	// whatever it watches. Never published with SQLite.
	ChangeResync = "feed.resync"
)

// Change is one committed change, published after its transaction commits.
type Change struct {
	Kind    string
	GroupID string // "" for organisation-wide changes
	Feature string // for data changes and purges
	User    string // for membership changes
	Ref     int64  // kind-specific: the new message's UID, a note id
}

// Subscription receives changes on C until Close or the store closes.
type Subscription struct {
	C    <-chan Change
	c    chan Change
	feed *feed
}

// Close stops the subscription.
func (sub *Subscription) Close() { sub.feed.remove(sub) }

type feed struct {
	mu     sync.Mutex
	subs   map[*Subscription]struct{}
	closed bool
}

func newFeed() *feed { return &feed{subs: map[*Subscription]struct{}{}} }

// Subscribe returns a subscription to every change committed from now on.
// The subscriber must drain C promptly: a change that finds C full (1024
// pending) is dropped for that subscriber rather than stall writers.
func (s *Store) Subscribe() *Subscription {
	c := make(chan Change, 1024)
	sub := &Subscription{C: c, c: c, feed: s.feed}
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	if s.feed.closed {
		close(c)
		return sub
	}
	s.feed.subs[sub] = struct{}{}
	return sub
}

func (f *feed) publish(c Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for sub := range f.subs {
		select {
		case sub.c <- c:
		default:
		}
	}
}

func (f *feed) remove(sub *Subscription) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.subs[sub]; ok {
		delete(f.subs, sub)
		close(sub.c)
	}
}

func (f *feed) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for sub := range f.subs {
		delete(f.subs, sub)
		close(sub.c)
	}
}

// Wait blocks until a change arrives that wakes says may have left work,
// tick fires, or ctx is done (false): the loop of a background worker
// that is woken by the feed and polls as well. Once the store has closed
// the subscription, it waits on tick alone.
func (sub *Subscription) Wait(ctx context.Context, tick <-chan time.Time, wakes func(Change) bool) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-tick:
			return true
		case c, ok := <-sub.C:
			if !ok {
				sub.C = nil // store closed; poll until ctx ends
				return true
			}
			if wakes(c) {
				return true
			}
		}
	}
}
