package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"groupd/web"
)

// limitStreams serves the web console's event streams (web.IsEventStream:
// requests that stay open as long as a Messages tab) apart from
// limitRequests, whose slots they would hold for hours and so exhaust,
// under their own cap of max open at once; the console bounds each
// user's. Every other request goes to next.
//
// stop, called when the server shuts down, ends the open streams: they
// would otherwise keep http.Server.Shutdown waiting until its deadline.
func limitStreams(max int, log *slog.Logger, streams, next http.Handler) (h http.Handler, stop func()) {
	slots := make(chan struct{}, max)
	done := make(chan struct{})
	var once sync.Once
	var refusing atomic.Bool // logged once per stretch of refusals
	stop = func() { once.Do(func() { close(done) }) }
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !web.IsEventStream(r) {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			refusing.Store(false)
		default:
			if !refusing.Swap(true) {
				log.Warn("event streams refused: too many open", "ip", hostOf(r.RemoteAddr), "limit", max)
			}
			w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
			http.Error(w, fmt.Sprintf("The server is busy: %d live pages are open, the most it keeps at once; reload later.", max), http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		go func() {
			select {
			case <-done:
				cancel()
			case <-ctx.Done():
			}
		}()
		streams.ServeHTTP(w, r.WithContext(ctx))
	})
	return h, stop
}
