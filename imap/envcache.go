package imap

import (
	"runtime"
	"sync"

	goimap "github.com/emersion/go-imap/v2"

	"groupd/groups"
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

// envelopes returns the ENVELOPE of each message by UID: from the cache,
// or parsed on up to four cores at once (a client's first sync of a big
// archive is mostly this) and then cached.
func (s *session) envelopes(msgs map[uint32]*groups.ImapMessage) map[uint32]*goimap.Envelope {
	group := s.sel.mb.groupID
	out := make(map[uint32]*goimap.Envelope, len(msgs))
	var todo []*groups.ImapMessage
	for uid, m := range msgs {
		if env := s.srv.envs.get(group, uid); env != nil {
			out[uid] = env
		} else {
			todo = append(todo, m)
		}
	}
	parsed := make([]*goimap.Envelope, len(todo))
	workers := min(runtime.GOMAXPROCS(0), 4, (len(todo)+63)/64)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(todo); i += workers {
				parsed[i] = envelope(todo[i].Data)
			}
		}()
	}
	wg.Wait()
	for i, m := range todo {
		out[m.UID] = parsed[i]
		s.srv.envs.put(group, m.UID, parsed[i])
	}
	return out
}
