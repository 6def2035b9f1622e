package imap

import (
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"groupd/groups"
)

// hub follows the store's change feed with one subscription and tells the
// sessions that have a group's mailbox selected what changed.
type hub struct {
	sub   *groups.Subscription
	log   *slog.Logger
	done  chan struct{}
	ended func(user string) // a user's sessions must end (ChangeSessionsEnded)

	mu      sync.Mutex
	watches map[string]map[*watch]struct{} // by group id
}

// watch is one selected mailbox's view of the feed. The session reads the
// flags on its next command or while idling.
type watch struct {
	groupID string
	user    string        // whose session: their flag changes concern it
	wake    chan struct{} // capacity 1: "look at the flags"
	fresh   atomic.Bool   // new posts may have arrived
	dirty   atomic.Bool   // access may have changed: ask the store again
	purged  atomic.Bool   // the archive was purged
	flags   atomic.Bool   // the user changed flags, maybe in another session
}

func newHub(store *groups.Store, log *slog.Logger, ended func(user string)) *hub {
	h := &hub{sub: store.Subscribe(), log: log, done: make(chan struct{}), ended: ended,
		watches: map[string]map[*watch]struct{}{}}
	go h.run()
	return h
}

func (h *hub) run() {
	defer close(h.done)
	for c := range h.sub.C {
		if c.Kind == groups.ChangeSessionsEnded {
			h.ended(c.User)
			continue
		}
		h.dispatch(c)
	}
}

func (h *hub) close() {
	h.sub.Close()
	<-h.done
}

// dispatch marks the watches a change concerns (SPEC §1: a removed member,
// a disabled feature, a purge or a deletion take effect at once).
func (h *hub) dispatch(c groups.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	mark := func(w *watch) {
		switch {
		case c.Kind == groups.ChangeResync: // anything may have changed
			w.fresh.Store(true)
			w.dirty.Store(true)
			w.flags.Store(true)
		case c.Kind == groups.ChangeData && c.Feature == groups.FeatureMessage:
			w.fresh.Store(true)
		case c.Kind == groups.ChangeData && c.Feature == groups.ImapFlagsFeature:
			if !strings.EqualFold(c.User, w.user) {
				return // flags are per user
			}
			w.flags.Store(true)
		case c.Kind == groups.ChangePurged && c.Feature == groups.FeatureMessage:
			w.purged.Store(true)
		case c.Kind == groups.ChangeData || c.Kind == groups.ChangePurged || c.Kind == groups.ChangeMemberAdded:
			return // another feature's data, or someone joining: nothing for us
		default:
			w.dirty.Store(true)
		}
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
	if c.GroupID == "" {
		if c.Kind != groups.ChangePolicy && c.Kind != groups.ChangeResync {
			return
		}
		for _, ws := range h.watches {
			for w := range ws {
				mark(w)
			}
		}
		return
	}
	for w := range h.watches[c.GroupID] {
		mark(w)
	}
}

func (h *hub) add(groupID, user string) *watch {
	w := &watch{groupID: groupID, user: user, wake: make(chan struct{}, 1)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.watches[groupID] == nil {
		h.watches[groupID] = map[*watch]struct{}{}
	}
	h.watches[groupID][w] = struct{}{}
	return w
}

func (h *hub) remove(w *watch) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.watches[w.groupID], w)
	if len(h.watches[w.groupID]) == 0 {
		delete(h.watches, w.groupID)
	}
}
