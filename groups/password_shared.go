package groups

import "sync/atomic"

// authCall is one password check in progress, which concurrent logins
// with the same email and password wait for instead of hashing again.
type authCall struct {
	done chan struct{}
	ok   bool
	err  error
}

// authFlight shares password checks: when the login cache has just
// expired, every connection of a client (a DAV app opens several) would
// otherwise run its own argon2id hash at once, each taking 19 MiB.
type authFlight struct {
	calls  map[[32]byte]*authCall
	hashes atomic.Int64 // checks actually run, for tests
}

// shared runs check for (email, pw) unless the same check is already
// running, in which case it waits for that one's answer.
func (c *authCache) shared(email, pw string, check func() (bool, error)) (bool, error) {
	k := c.key(email, pw)
	c.mu.Lock()
	if call, ok := c.flight.calls[k]; ok {
		c.mu.Unlock()
		<-call.done
		return call.ok, call.err
	}
	if c.flight.calls == nil {
		c.flight.calls = map[[32]byte]*authCall{}
	}
	call := &authCall{done: make(chan struct{})}
	c.flight.calls[k] = call
	c.mu.Unlock()
	c.flight.hashes.Add(1)
	call.ok, call.err = check()
	c.mu.Lock()
	delete(c.flight.calls, k)
	c.mu.Unlock()
	close(call.done)
	return call.ok, call.err
}
