package web

import (
	"errors"
	"strconv"
)

// The console's Messages tab reads archived posts whole (a thread page
// parses every post of it; a part is cut out of its post). While more
// than nine tenths of the daemon's memory budget (Options.Budget, issue
// 16 finding 6) are taken, those two pages answer 503 with Retry-After
// (RFC 9110 §15.6.4, §10.2.3), so that the large messages in progress
// finish; every other page, and the tab's live event stream, is served,
// as they hold no message whole: refusing them for the budget's sake
// would let whoever holds it (a client that never reads) turn everyone
// away.

// errBusy is the answer of a page that reads posts whole while the
// memory budget is spent.
var errBusy = errors.New("busy")

// busyRetry is the Retry-After of that answer, in seconds.
const busyRetry = 5

// wholePosts guards a handler that reads archived posts whole.
func (s *server) wholePosts(fn handlerFunc) handlerFunc {
	return func(c *reqCtx) error {
		b := s.opts.Budget
		if b == nil || !b.Busy() {
			s.refusing.Store(false)
			return fn(c)
		}
		if !s.refusing.Swap(true) { // once per stretch of refusals
			s.log.Warn("message pages refused: the memory budget is spent", "budget", b.Max(), "used", b.Used())
		}
		c.w.Header().Set("Retry-After", strconv.Itoa(busyRetry))
		return errBusy
	}
}
