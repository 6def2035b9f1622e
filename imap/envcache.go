package imap

import (
	"bytes"
	"runtime"
	"sync"

	"github.com/emersion/go-imap/v2/imapserver"

	goimap "github.com/emersion/go-imap/v2"

	"groupd/groups"
)

// msgCache keeps what is parsed from archived posts (envelopes, body
// structures), shared by every session: a post never changes once
// archived and its UID is never reused in its group, so an entry never
// goes stale. When full, it forgets an arbitrary half.
type msgCache[T any] struct {
	mu  sync.Mutex
	max int
	m   map[envKey]T
}

type envKey struct {
	group string
	uid   uint32
}

func newMsgCache[T any](max int) *msgCache[T] {
	return &msgCache[T]{max: max, m: map[envKey]T{}}
}

// lookup returns the cached entries of the UIDs, by UID.
func (c *msgCache[T]) lookup(group string, uids []uint32) map[uint32]T {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[uint32]T, len(uids))
	for _, u := range uids {
		if v, ok := c.m[envKey{group, u}]; ok {
			out[u] = v
		}
	}
	return out
}

func (c *msgCache[T]) put(group string, uid uint32, v T) {
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
	c.m[envKey{group, uid}] = v
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

// structure is the BODYSTRUCTURE of m (RFC 3501 §7.4.2), from the cache
// or parsed from its data and cached: a client's sync asks for it of
// every post, each time, and without the cache each sync read every post
// whole (issue 14).
func (s *session) structure(m *groups.ImapMessage, cached map[uint32]goimap.BodyStructure) goimap.BodyStructure {
	if bs := cached[m.UID]; bs != nil {
		return bs
	}
	bs := imapserver.ExtractBodyStructure(bytes.NewReader(m.Data))
	s.srv.structs.put(s.sel.mb.groupID, m.UID, bs)
	return bs
}
