package smtp

import (
	"context"
	"sync"

	"groupd/groups"
)

// committer stores posts of concurrent sessions in shared transactions
// (group commit): while one transaction is being written, the posts that
// arrive wait and go together in the next. Each session gets its answer
// only after the transaction holding its posts committed.
type committer struct {
	store   *groups.Store
	mu      sync.Mutex
	pending []*commitReq
	running bool
}

type commitReq struct {
	posts []*groups.Post
	done  chan error
}

// maxGroup bounds the posts of one transaction.
const maxGroup = 256

// commit stores posts and returns when they are on disk (each post's Err
// says whether it was refused) or the returned error says none was.
func (c *committer) commit(posts []*groups.Post) error {
	r := &commitReq{posts: posts, done: make(chan error, 1)}
	c.mu.Lock()
	c.pending = append(c.pending, r)
	if !c.running {
		c.running = true
		go c.loop()
	}
	c.mu.Unlock()
	return <-r.done
}

func (c *committer) loop() {
	for {
		c.mu.Lock()
		var batch []*commitReq
		n := 0
		for len(c.pending) > 0 && (n == 0 || n+len(c.pending[0].posts) <= maxGroup) {
			n += len(c.pending[0].posts)
			batch = append(batch, c.pending[0])
			c.pending = c.pending[1:]
		}
		if len(batch) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		var posts []*groups.Post
		for _, r := range batch {
			posts = append(posts, r.posts...)
		}
		err := c.store.AcceptPosts(context.Background(), posts)
		for _, r := range batch {
			r.done <- err
		}
	}
}
