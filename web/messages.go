package web

import (
	"errors"
	"net/http"
	"strconv"

	"groupd/groups"
)

// The Messages tab (issue 11): the group's message room, read from the
// list archive. Threads are ordered by their newest post and posts
// within a thread oldest first, so the newest post of all is at the
// bottom, beside the composer, as in a chat room.

const (
	threadsPerPage = 20  // threads on one page
	windowPosts    = 200 // posts read (headers only) to build a page's threads
)

// messagesPage is the Messages tab's data.
type messagesPage struct {
	*groupView
	Threads []*msgThread
	Older   int64 // the ?before= of the page of older threads; 0: none
	Paged   bool  // an older page: no live updates, a link to the newest
	After   int64 // the newest UID shown, where the event stream starts
	CanPost bool
	ListOff bool // the mailing list is off: no composer, and why
	Subject string
	Body    string
	Err     string // a refused new thread's sentence, above the composer
}

// MsgData is the view with other data, for the Messages tab's partial
// templates (a thread, a post), which the event stream renders alone.
func (v *view) MsgData(d any) *view { return &view{c: v.c, Title: v.Title, Nav: v.Nav, Data: d} }

// messagesTab shows the newest threads, or with ?before= older ones.
func (s *server) messagesTab(c *reqCtx) error {
	before, _ := strconv.ParseInt(c.r.URL.Query().Get("before"), 10, 64)
	p, err := s.messagesData(c, max(before, 0))
	if err != nil {
		return err
	}
	return c.render(http.StatusOK, "messages", c.T("messages.title", p.G.Name), p)
}

// messagesData reads a page of threads for a member (the archive's rule:
// anyone else gets ErrNotFound).
func (s *server) messagesData(c *reqCtx, before int64) (*messagesPage, error) {
	id := c.r.PathValue("id")
	if err := s.store.CanReadArchive(c.r.Context(), c.actor(), id); err != nil {
		return nil, err
	}
	v, err := s.loadGroup(c, groups.FeatureMessage)
	if err != nil {
		return nil, err
	}
	p := &messagesPage{groupView: v, Paged: before > 0, ListOff: !v.G.MailingList.Enabled}
	p.CanPost = s.opts.Post != nil && !p.ListOff
	if p.Threads, p.Older, err = s.pageThreads(c, id, before); err != nil {
		return nil, err
	}
	for _, t := range p.Threads {
		t.GroupID, t.CanPost = id, p.CanPost
		p.After = max(p.After, t.Latest)
	}
	return p, nil
}

// pageThreads builds the threads of one page from the headers of the
// windowPosts posts below before, keeps the threadsPerPage with the
// newest posts and reads their posts whole. A thread with a post at or
// above before was on a newer page and is left out (checked against the
// next windowPosts posts up). older is where the next page starts.
func (s *server) pageThreads(c *reqCtx, id string, before int64) (threads []*msgThread, older int64, err error) {
	ctx, a := c.r.Context(), c.actor()
	hs, err := s.store.ArchiveHeaders(ctx, a, id, groups.ArchiveRange{Before: before, Limit: windowPosts})
	if err != nil {
		return nil, 0, err
	}
	var newer []groups.ArchivedPost
	if before > 0 {
		if newer, err = s.store.ArchiveHeaders(ctx, a, id, groups.ArchiveRange{After: before - 1, Limit: windowPosts}); err != nil {
			return nil, 0, err
		}
	}
	posts := make([]*msgPost, 0, len(hs)+len(newer))
	for i := len(hs) - 1; i >= 0; i-- {
		posts = append(posts, parsePostHeader(hs[i]))
	}
	for _, h := range newer {
		posts = append(posts, parsePostHeader(h))
	}
	for _, t := range threadPosts(posts) {
		if before > 0 && t.Latest >= before {
			continue
		}
		if len(threads) == threadsPerPage {
			older = threads[len(threads)-1].Latest
			break
		}
		threads = append(threads, t)
	}
	if older == 0 && len(hs) == windowPosts && len(threads) > 0 {
		older = threads[len(threads)-1].Latest
	}
	// Oldest thread first: the newest post ends the page.
	for i, j := 0, len(threads)-1; i < j; i, j = i+1, j-1 {
		threads[i], threads[j] = threads[j], threads[i]
	}
	kept := threads[:0]
	for _, t := range threads {
		if err := s.readPosts(c, id, t); err != nil {
			return nil, 0, err
		}
		if len(t.Posts) > 0 {
			kept = append(kept, t)
		}
	}
	return kept, older, nil
}

// readPosts replaces a thread's header-only posts by whole ones, one
// message in memory at a time.
func (s *server) readPosts(c *reqCtx, id string, t *msgThread) error {
	kept := t.Posts[:0]
	for _, p := range t.Posts {
		full, err := s.store.ArchivedMessage(c.r.Context(), c.actor(), id, p.UID)
		if errors.Is(err, groups.ErrNotFound) {
			continue // purged since the headers were read
		}
		if err != nil {
			return err
		}
		m := parsePost(full)
		m.GroupID = id
		kept = append(kept, m)
	}
	t.Posts = kept
	if len(t.Posts) > 0 {
		t.Subject = t.Posts[0].Subject
	}
	return nil
}

// messageRoutes registers the Messages tab.
func (s *server) messageRoutes() {
	m := s.mux
	m.Handle("GET /g/{id}/messages", s.signedIn(s.wholePosts(s.messagesTab)))
	m.Handle("POST /g/{id}/messages", s.signedIn(s.postMessage))
	m.Handle("GET /g/{id}/messages/events", s.signedIn(s.messageEvents))
	m.Handle("GET /g/{id}/messages/{uid}/part/{n}", s.signedIn(s.wholePosts(s.messagePart)))
}
