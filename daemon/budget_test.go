package daemon

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"groupd/internal/budget"
)

// TestLimitMemory: past nine tenths of the memory budget a request is
// answered 503 with Retry-After; /healthz still answers; with the budget
// back, requests are served.
func TestLimitMemory(t *testing.T) {
	b := budget.New(100 << 20)
	h := limitMemory(b, slog.New(slog.DiscardHandler), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	release, _ := b.TryTake(95 << 20)
	if rec := get("/api/v1/groups"); rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("with the budget spent: %d %v", rec.Code, rec.Header())
	}
	if rec := get("/healthz"); rec.Code != 200 {
		t.Fatalf("/healthz with the budget spent: %d", rec.Code)
	}
	release()
	if rec := get("/api/v1/groups"); rec.Code != 200 {
		t.Fatalf("with the budget back: %d", rec.Code)
	}
}
