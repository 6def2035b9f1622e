package budget

import (
	"context"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Budget is a number of bytes shared by all the work in progress. The
// zero of *Budget (nil) is no budget: every Take succeeds.
type Budget struct {
	max int64

	mu      sync.Mutex
	used    int64
	waiters []chan struct{} // woken on every Release

	reclaiming atomic.Bool // the reclaiming goroutine runs
	pending    atomic.Bool // a reclaim was asked for since it last ran
}

// reclaimAbove: giving back this many bytes or more at once returns the
// freed memory to the system (reclaim), at most once per reclaimEvery.
const (
	reclaimAbove = 8 << 20
	reclaimEvery = 250 * time.Millisecond
)

// New returns a budget of size bytes (at least 1).
func New(size int64) *Budget {
	return &Budget{max: max(1, size)}
}

// Max is the budget's size in bytes; 0 for no budget.
func (b *Budget) Max() int64 {
	if b == nil {
		return 0
	}
	return b.max
}

// Used is how many bytes are taken.
func (b *Budget) Used() int64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// clamp makes n fit: one piece of work larger than the whole budget may
// still run, alone.
func (b *Budget) clamp(n int64) int64 {
	return min(max(n, 0), b.max)
}

// TryTake takes n bytes if they are free and returns the function that
// gives them back (safe to call more than once); ok is false, and
// nothing taken, when they are not.
func (b *Budget) TryTake(n int64) (release func(), ok bool) {
	if b == nil {
		return func() {}, true
	}
	n = b.clamp(n)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.max {
		return nil, false
	}
	b.used += n
	return b.releaser(n), true
}

// Take waits until n bytes are free and takes them, or returns ctx's
// error. It is for background work (the outbound queue) that may wait,
// where a client's request is refused instead (TryTake).
func (b *Budget) Take(ctx context.Context, n int64) (release func(), err error) {
	for {
		if r, ok := b.TryTake(n); ok {
			return r, nil
		}
		b.mu.Lock()
		ch := make(chan struct{})
		b.waiters = append(b.waiters, ch)
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Busy reports whether more than nine tenths of the budget are taken:
// the point where cheap new work (an HTTP request) is refused too.
func (b *Budget) Busy() bool {
	return b != nil && b.Used()*10 > b.max*9
}

func (b *Budget) releaser(n int64) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			b.used -= n
			ws := b.waiters
			b.waiters = nil
			b.mu.Unlock()
			for _, ch := range ws {
				close(ch)
			}
			if n >= reclaimAbove {
				b.reclaim()
			}
		})
	}
}

// reclaim collects the garbage a large piece of work left and returns it
// to the system, in the background, at most once per reclaimEvery: the
// next large piece then starts from a small heap instead of adding to
// the garbage of this one (the collector would otherwise wait for the
// heap to double).
func (b *Budget) reclaim() {
	b.pending.Store(true)
	if !b.reclaiming.CompareAndSwap(false, true) {
		return
	}
	go func() {
		for b.pending.Swap(false) {
			debug.FreeOSMemory()
			time.Sleep(reclaimEvery)
		}
		b.reclaiming.Store(false)
		if b.pending.Load() { // asked for between the last Swap and now
			b.reclaim()
		}
	}()
}

// Fits reports whether n bytes could be taken now.
func (b *Budget) Fits(n int64) bool {
	if b == nil {
		return true
	}
	n = b.clamp(n)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used+n <= b.max
}
