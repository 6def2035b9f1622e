package imap

import (
	"runtime"
	"sync"

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

// clear forgets every entry (benchmarks of a cold server).
func (c *msgCache[T]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
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
	fill(msgs, envs, s.srv.envs, s.sel.mb.groupID, envelope)
}

// structures adds to bss the BODYSTRUCTURE (RFC 3501 §7.4.2) of each
// message it lacks, parsed as envelopes are, and caches them: a client's
// sync asks for it of every post, each time, and without the cache each
// sync read every post whole (issue 14).
func (s *session) structures(msgs map[uint32]*groups.ImapMessage, bss map[uint32]goimap.BodyStructure) {
	fill(msgs, bss, s.srv.structs, s.sel.mb.groupID, parseStructure)
}

// fill parses, for each message of msgs that have lacks, what parse
// makes of its data, on up to four cores at once, into have and the cache.
func fill[T any](msgs map[uint32]*groups.ImapMessage, have map[uint32]T, cache *msgCache[T], group string, parse func([]byte) T) {
	var todo []*groups.ImapMessage
	for uid, m := range msgs {
		if _, ok := have[uid]; !ok {
			todo = append(todo, m)
		}
	}
	parsed := make([]T, len(todo))
	workers := min(runtime.GOMAXPROCS(0), 4, (len(todo)+63)/64)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(todo); i += workers {
				parsed[i] = parse(todo[i].Data)
			}
		}()
	}
	wg.Wait()
	for i, m := range todo {
		have[m.UID] = parsed[i]
		cache.put(group, m.UID, parsed[i])
	}
}
