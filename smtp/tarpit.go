package smtp

import (
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// A tarpit slows the senders that cost most (issue 16, finding 6).
// Refusing a message over the size limit is cheap for the sender and not
// for groupd: the whole of it is read, dot-unstuffed and spooled before
// the 552, and the rest read and thrown away after it (RFC 5321 §4.1.1.4
// leaves no other way to find the end of the data). Senders of one
// 26 MiB message after another could so buy both cores with bandwidth.
// Two paces keep that cost bounded:
//
//   - After a refusal for size, that address's connections (those open
//     and those to come) share a budget of Options.TarpitRate bytes a
//     second until Options.TarpitFor after its last such refusal. An MTA
//     that honours the SIZE extension (RFC 1870 §6: every common MTA
//     does) declares the size in MAIL FROM and is refused there, before
//     any data, so it is never slowed; the tarpit meets only clients
//     that ignore SIZE and send what they were told will not be taken.
//     IPv6 addresses are kept by their /64, which one host usually holds
//     whole.
//   - Message data past a message's first MiB (its header's room) is
//     read, over all sessions at once, at Options.BulkRate bytes a second
//     at most after a burst of Options.BulkBurst: large messages share
//     about a third of a core, whoever sends them, and the first few
//     oversized messages from fresh addresses cannot stall everyone.
//
// Shutdown ends every wait: a slowed connection is closed, a paced
// message answered 451.
type tarpit struct {
	rate  int64 // bytes a second of a slowed address
	dur   time.Duration
	now   func() time.Time
	stop  chan struct{} // closed at Shutdown
	close sync.Once

	mu   sync.Mutex
	pits map[netip.Addr]*pit
	// slowed is len(pits), read without the lock: every read of every
	// SMTP connection asks delay, and almost always nobody is slowed.
	slowed    atomic.Int32
	bulk      bucket // message data past memBytes, every session's
	bulkRate  int64
	bulkBurst time.Duration
}

// pit is one slowed address.
type pit struct {
	until time.Time // the slowing ends
	b     bucket
}

// bucket paces bytes: free is when it has room for the next ones.
type bucket struct{ free time.Time }

// take counts n bytes at rate, with room for burst of time unused, and
// says how long their reader waits.
func (b *bucket) take(now time.Time, n int, rate int64, burst time.Duration) time.Duration {
	if low := now.Add(-burst); b.free.Before(low) {
		b.free = low
	}
	b.free = b.free.Add(time.Duration(int64(n) * int64(time.Second) / rate))
	return max(0, b.free.Sub(now))
}

// maxPits bounds the addresses remembered at once.
const maxPits = 4096

func newTarpit(o *Options) *tarpit {
	return &tarpit{rate: o.TarpitRate, dur: o.TarpitFor, now: o.Now, stop: make(chan struct{}),
		pits: map[netip.Addr]*pit{}, bulkRate: o.BulkRate,
		bulkBurst: time.Duration(o.BulkBurst * int64(time.Second) / o.BulkRate)}
}

// shutdown ends every wait, now and to come.
func (t *tarpit) shutdown() {
	if t != nil {
		t.close.Do(func() { close(t.stop) })
	}
}

// sleep waits d, or until shutdown; it says whether it waited it all.
func (t *tarpit) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-t.stop:
		return false
	}
}

// pitKey is the address a connection is slowed by (IPv6: its /64).
func pitKey(a net.Addr) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(addrString(a))
	if err != nil {
		return netip.Addr{}, false
	}
	ip := ap.Addr().Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		ip = p.Addr()
	}
	return ip, true
}

// punish starts or extends the slowing of a's address.
func (t *tarpit) punish(a net.Addr) {
	key, ok := pitKey(a)
	if t == nil || !ok {
		return
	}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if p := t.pits[key]; p != nil {
		p.until = now.Add(t.dur)
		return
	}
	if len(t.pits) >= maxPits {
		t.prune(now)
	}
	t.pits[key] = &pit{until: now.Add(t.dur), b: bucket{free: now}}
	t.slowed.Store(int32(len(t.pits)))
}

// prune forgets the addresses whose slowing has ended, and if none has,
// the one that ends first. t.mu is held.
func (t *tarpit) prune(now time.Time) {
	var first netip.Addr
	for k, p := range t.pits {
		if now.After(p.until) {
			delete(t.pits, k)
		} else if !first.IsValid() || p.until.Before(t.pits[first].until) {
			first = k
		}
	}
	if len(t.pits) >= maxPits {
		delete(t.pits, first)
	}
	t.slowed.Store(int32(len(t.pits)))
}

// delay is how long a reader of n bytes from key waits before it reads
// again: nothing unless key is slowed.
func (t *tarpit) delay(key netip.Addr, n int) time.Duration {
	if t == nil || n <= 0 || t.slowed.Load() == 0 {
		return 0
	}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.pits[key]
	if p == nil {
		return 0
	}
	if now.After(p.until) {
		delete(t.pits, key)
		t.slowed.Store(int32(len(t.pits)))
		return 0
	}
	return p.b.take(now, n, t.rate, 0)
}

// bulkDelay is how long a reader of n bytes of message data past
// memBytes waits.
func (t *tarpit) bulkDelay(n int) time.Duration {
	if t == nil || n <= 0 {
		return 0
	}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.bulk.take(now, n, t.bulkRate, t.bulkBurst)
}

// paced reads a message's data, the part past memBytes at the bulk pace.
func (t *tarpit) paced(r io.Reader) io.Reader {
	if t == nil {
		return r
	}
	return &pacedReader{r: r, t: t}
}

type pacedReader struct {
	r    io.Reader
	t    *tarpit
	read int64
}

func (p *pacedReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	before := p.read
	p.read += int64(n)
	if over := p.read - max(before, memBytes); over > 0 && !p.t.sleep(p.t.bulkDelay(int(over))) {
		return n, errShuttingDown()
	}
	return n, err
}
