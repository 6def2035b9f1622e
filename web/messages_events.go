package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"groupd/groups"
)

// The Messages tab's live updates: server-sent events (WHATWG HTML §9.2)
// fed by the store's change feed. Each new post of the group is one
// "post" event whose id is its UID and whose data is JSON with the post
// rendered as HTML (the same template as the page) and what the script
// needs to put it in its thread.

const (
	heartbeat         = 25 * time.Second // a comment line keeps proxies from closing an idle stream
	maxStreamsPerUser = 4                // open Messages tabs per user
	catchUpPosts      = 100              // posts sent at once after a reconnect
)

// IsEventStream reports whether r asks for a Messages tab's event
// stream, a request that stays open as long as the page: the daemon
// counts these apart from its limit on requests in progress.
func IsEventStream(r *http.Request) bool {
	p := r.URL.Path
	return r.Method == http.MethodGet && strings.HasPrefix(p, "/g/") && strings.HasSuffix(p, "/messages/events") &&
		strings.Count(p, "/") == 4
}

// streamLimiter counts each user's open event streams.
type streamLimiter struct {
	mu   sync.Mutex
	open map[string]int
}

func (l *streamLimiter) acquire(user string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open == nil {
		l.open = map[string]int{}
	}
	if l.open[user] >= maxStreamsPerUser {
		return false
	}
	l.open[user]++
	return true
}

func (l *streamLimiter) release(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[user]--; l.open[user] <= 0 {
		delete(l.open, user)
	}
}

// stream is one open event stream.
type stream struct {
	s       *server
	c       *reqCtx
	id      string // the group
	rc      *http.ResponseController
	last    int64 // the newest UID the page has
	canPost bool
}

// messageEvents streams the group's new posts to a member until the
// page goes, the store closes, or the member loses access (removed, the
// feature off, signed out elsewhere), which ends the stream with "end".
func (s *server) messageEvents(c *reqCtx) error {
	ctx, user := c.r.Context(), c.sess.User.Email
	st := &stream{s: s, c: c, id: c.r.PathValue("id"), rc: http.NewResponseController(c.w)}
	if err := s.store.CanReadArchive(ctx, c.actor(), st.id); err != nil {
		return err
	}
	g, err := s.store.GetGroup(ctx, c.actor(), st.id)
	if err != nil {
		return err
	}
	st.canPost = s.opts.Post != nil && g.MailingList.Enabled
	if !s.streams.acquire(user) {
		return &groups.Error{Kind: groups.ErrThrottled, Msg: c.T("messages.events.busy")}
	}
	defer s.streams.release(user)
	sub := s.store.Subscribe() // before the catch-up: nothing falls between
	defer sub.Close()
	last, ok := lastEventID(c.r)
	if !ok {
		last = st.newest() // no starting point: from now on
	}
	st.last = last
	h := c.w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // a buffering proxy would hold events back
	c.w.WriteHeader(http.StatusOK)
	if !st.write("retry: 5000\n\n") || !st.sendNew() {
		return nil
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if !st.write(": keep-alive\n\n") {
				return nil
			}
		case ch, ok := <-sub.C:
			if !ok || !st.change(ch) {
				return nil
			}
		}
	}
}

// lastEventID is where the page's posts end: the Last-Event-ID of a
// reconnecting EventSource (WHATWG HTML §9.2.4), else the page's ?after=.
func lastEventID(r *http.Request) (int64, bool) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return max(n, 0), err == nil
}

// newest is the UID of the group's newest post, 0 for none.
func (st *stream) newest() int64 {
	hs, err := st.s.store.ArchiveHeaders(st.c.r.Context(), st.c.actor(), st.id, groups.ArchiveRange{Limit: 1})
	if err != nil || len(hs) == 0 {
		return 0
	}
	return hs[0].UID
}

// change handles one change of the feed; false ends the stream.
func (st *stream) change(ch groups.Change) bool {
	ctx, c := st.c.r.Context(), st.c
	switch {
	case ch.Kind == groups.ChangeSessionsEnded && strings.EqualFold(ch.User, c.sess.User.Email):
		if _, err := st.s.store.SessionByToken(ctx, c.token, st.s.opts.Sessions); err != nil {
			return st.end()
		}
		return true
	case ch.GroupID != st.id && ch.Kind != groups.ChangePolicy:
		return true
	}
	if err := st.s.store.CanReadArchive(ctx, c.actor(), st.id); err != nil {
		return st.end()
	}
	if ch.Kind == groups.ChangeData && ch.Feature == groups.FeatureMessage && ch.Ref > st.last {
		return st.sendNew()
	}
	return true
}

// sendNew sends every post above st.last, oldest first (a change the
// feed dropped is caught up by the next one).
func (st *stream) sendNew() bool {
	hs, err := st.s.store.ArchiveHeaders(st.c.r.Context(), st.c.actor(), st.id,
		groups.ArchiveRange{After: st.last, Limit: catchUpPosts})
	if err != nil {
		return st.end()
	}
	for _, h := range hs {
		if !st.sendPost(h.UID) {
			return false
		}
	}
	return true
}

// postEvent is the data of a "post" event.
type postEvent struct {
	UID    int64    `json:"uid"`
	MsgID  string   `json:"msgid"`
	Refs   []string `json:"refs"`
	Norm   string   `json:"norm"`
	Reply  bool     `json:"reply"`
	Post   string   `json:"post"`   // the post, for a thread on the page
	Thread string   `json:"thread"` // a new thread holding only this post
}

// sendPost renders post uid and sends it.
func (st *stream) sendPost(uid int64) bool {
	p, err := st.s.store.ArchivedMessage(st.c.r.Context(), st.c.actor(), st.id, uid)
	if err != nil {
		return true // purged meanwhile; access is checked on every change
	}
	m := parsePost(p)
	m.GroupID = st.id
	ev := postEvent{UID: uid, MsgID: m.MessageID, Refs: m.Refs, Norm: m.Norm, Reply: m.Reply}
	t := &msgThread{GroupID: st.id, Subject: m.Subject, Norm: m.Norm, Posts: []*msgPost{m}, Latest: uid, CanPost: st.canPost}
	var b bytes.Buffer
	v := &view{c: st.c}
	tpl := st.s.pages["messages"]
	if err := tpl.ExecuteTemplate(&b, "msgpost", v.MsgData(m)); err != nil {
		st.s.log.Error("event stream: render", "err", err)
		return false
	}
	ev.Post = b.String()
	b.Reset()
	if err := tpl.ExecuteTemplate(&b, "msgthread", v.MsgData(t)); err != nil {
		st.s.log.Error("event stream: render", "err", err)
		return false
	}
	ev.Thread = b.String()
	data, _ := json.Marshal(ev) // one line: JSON escapes every line break
	st.last = uid
	return st.write("id: " + strconv.FormatInt(uid, 10) + "\nevent: post\ndata: " + string(data) + "\n\n")
}

// end tells the page that the stream is over for good, so that it does
// not reconnect.
func (st *stream) end() bool {
	st.write("event: end\ndata: \n\n")
	return false
}

// write sends one event and flushes it; false when the page is gone.
func (st *stream) write(s string) bool {
	if _, err := st.c.w.Write([]byte(s)); err != nil {
		return false
	}
	return st.rc.Flush() == nil
}
