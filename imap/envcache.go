package imap

import (
	"sync"

	goimap "github.com/emersion/go-imap/v2"
)

// envCache keeps parsed envelopes of archived posts, shared by every
// session: a post never changes once archived and its UID is never reused
// in its group, so an entry never goes stale. When full, it forgets an
// arbitrary half.
type envCache struct {
	mu  sync.Mutex
	max int
	m   map[envKey]*goimap.Envelope
}

type envKey struct {
	group string
	uid   uint32
}

func newEnvCache(max int) *envCache {
	return &envCache{max: max, m: map[envKey]*goimap.Envelope{}}
}

func (c *envCache) get(group string, uid uint32) *goimap.Envelope {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[envKey{group, uid}]
}

// has reports whether every UID of the batch is cached.
func (c *envCache) has(group string, uids []uint32) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, u := range uids {
		if c.m[envKey{group, u}] == nil {
			return false
		}
	}
	return true
}

func (c *envCache) put(group string, uid uint32, env *goimap.Envelope) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		n := 0
		for k := range c.m {
			if n >= c.max/2 {
				break
			}
			delete(c.m, k)
			n++
		}
	}
	c.m[envKey{group, uid}] = env
}
