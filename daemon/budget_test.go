package daemon

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"groupd/internal/budget"
)

// TestLimitMemory: past nine tenths of the memory budget a console
// request that reads messages whole is answered 503 with Retry-After;
// every other request (API, DAV, other console pages, the live event
// stream, /healthz) is served, so that whoever holds the budget cannot
// turn everyone away; with the budget back, message pages are served.
func TestLimitMemory(t *testing.T) {
	b := budget.New(100 << 20)
	h := limitMemory(b, slog.New(slog.DiscardHandler), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	release, _ := b.TryTake(95 << 20)
	for _, p := range []string{"/g/team/messages", "/g/team/messages/12/part/2"} {
		if rec := get(p); rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("%s with the budget spent: %d %v", p, rec.Code, rec.Header())
		}
	}
	for _, p := range []string{"/healthz", "/api/v1/groups", "/dav/files/team/a.bin", "/g/team", "/g/team/messages/events",
		"/g/messages", "/groups"} {
		if rec := get(p); rec.Code != 200 {
			t.Fatalf("%s with the budget spent: %d", p, rec.Code)
		}
	}
	release()
	if rec := get("/g/team/messages"); rec.Code != 200 {
		t.Fatalf("with the budget back: %d", rec.Code)
	}
}
