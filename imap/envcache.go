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

// lookup returns the cached envelopes of the UIDs, by UID.
func (c *envCache) lookup(group string, uids []uint32) map[uint32]*goimap.Envelope {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[uint32]*goimap.Envelope, len(uids))
	for _, u := range uids {
		if env := c.m[envKey{group, u}]; env != nil {
			out[u] = env
		}
	}
	return out
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

// envelopes adds to envs the ENVELOPE of each message it lacks, parsed
// on up to four cores at once (a client's first sync of a big archive is
// mostly this), and caches them.
func (s *session) envelopes(msgs map[uint32]*groups.ImapMessage, envs map[uint32]*goimap.Envelope) {
	group := s.sel.mb.groupID
	var todo []*groups.ImapMessage
	for uid, m := range msgs {
		if envs[uid] == nil {
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
		envs[m.UID] = parsed[i]
		s.srv.envs.put(group, m.UID, parsed[i])
	}
}
