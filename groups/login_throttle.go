package groups

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// ThrottleOptions bound failed logins. Failures are counted per client IP
// and per account over Window. Past SlowAfter failures each attempt waits
// Delay, doubling up to MaxDelay; past RefuseAfter failures from one IP
// that IP is refused outright (ErrThrottled) until the window passes. An
// account is only ever slowed, never locked, so that a brute force from
// one address cannot lock its owner out from another.
type ThrottleOptions struct {
	Window      time.Duration // default 15m
	SlowAfter   int           // default 5
	RefuseAfter int           // per IP; default 20
	Delay       time.Duration // default 100ms
	MaxDelay    time.Duration // default 3s
	// MaxHashes bounds the password hashes in flight (argon2id takes
	// HashParams.Memory each); past it a login waits. Default
	// 2×GOMAXPROCS.
	MaxHashes int
}

func (o *ThrottleOptions) fill() {
	if o.Window == 0 {
		o.Window = 15 * time.Minute
	}
	if o.SlowAfter == 0 {
		o.SlowAfter = 5
	}
	if o.RefuseAfter == 0 {
		o.RefuseAfter = 20
	}
	if o.Delay == 0 {
		o.Delay = 100 * time.Millisecond
	}
	if o.MaxDelay == 0 {
		o.MaxDelay = 3 * time.Second
	}
	if o.MaxHashes == 0 {
		o.MaxHashes = 2 * runtime.GOMAXPROCS(0)
	}
}

// throttle counts recent failures by key ("ip:…", "acct:…").
type throttle struct {
	opts ThrottleOptions
	mu   sync.Mutex
	fail map[string]*failures
	// hashes holds a token per password check in flight; active and
	// peak count them (peak: the most at once, for tests and metrics).
	hashes       chan struct{}
	active, peak atomic.Int64
}

type failures struct {
	n     int
	first time.Time
}

func newThrottle(o ThrottleOptions) *throttle {
	o.fill()
	return &throttle{opts: o, fail: map[string]*failures{}, hashes: make(chan struct{}, o.MaxHashes)}
}

// count returns the failures of key within the window.
func (t *throttle) count(key string, now time.Time) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.fail[key]
	if f == nil || now.Sub(f.first) > t.opts.Window {
		return 0
	}
	return f.n
}

// reserve counts a failure of key before the attempt is checked and
// returns the failures before it; false, counting nothing, when there are
// RefuseAfter already. The check and the count are one step under the
// lock: parallel attempts cannot all see room for one more. shared is
// the failures of key every node recorded (login_shared.go); the larger
// count holds.
func (t *throttle) reserve(key string, now time.Time, shared int) (int, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := shared
	if f := t.fail[key]; f != nil && now.Sub(f.first) <= t.opts.Window {
		n = max(n, f.n)
	}
	if n >= t.opts.RefuseAfter {
		return n, false
	}
	t.add(now, key)
	return max(t.fail[key].n-1, shared), true
}

// release gives back a slot that reserve took, for an attempt that did
// not fail (a success, or an error that says nothing of the password).
func (t *throttle) release(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f := t.fail[key]; f != nil && now.Sub(f.first) <= t.opts.Window && f.n > 0 {
		f.n--
	}
}

// acquire waits for room for one more password hash, or for ctx.
func (t *throttle) acquire(ctx context.Context) error {
	select {
	case t.hashes <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	n := t.active.Add(1)
	for {
		p := t.peak.Load()
		if n <= p || t.peak.CompareAndSwap(p, n) {
			return nil
		}
	}
}

func (t *throttle) releaseHash() {
	t.active.Add(-1)
	<-t.hashes
}

func (t *throttle) failed(now time.Time, keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.add(now, keys...)
}

// add counts a failure for each key; t.mu is held.
func (t *throttle) add(now time.Time, keys ...string) {
	if len(t.fail) > 100000 {
		for k, f := range t.fail {
			if now.Sub(f.first) > t.opts.Window {
				delete(t.fail, k)
			}
		}
	}
	for _, k := range keys {
		f := t.fail[k]
		if f == nil || now.Sub(f.first) > t.opts.Window {
			f = &failures{first: now}
			t.fail[k] = f
		}
		f.n++
	}
}

func (t *throttle) succeeded(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fail, key)
}

// delay is how long an attempt waits given n recent failures.
func (t *throttle) delay(n int) time.Duration {
	if n < t.opts.SlowAfter {
		return 0
	}
	d := t.opts.Delay
	for i := t.opts.SlowAfter; i < n && d < t.opts.MaxDelay; i++ {
		d *= 2
	}
	return min(d, t.opts.MaxDelay)
}
