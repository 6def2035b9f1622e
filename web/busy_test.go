package web

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"groupd/internal/budget"
)

// TestMessagesBusy: past nine tenths of the memory budget, the Messages
// tab and a message part (which read posts whole) answer 503 with
// Retry-After and a sentence in the member's language; the group page,
// the groups list and the tab's live event stream are still served; with
// the budget back, the tab is too.
func TestMessagesBusy(t *testing.T) {
	b := budget.New(100 << 20)
	w := newMessageWorld(t, false, func(o *Options) { o.Budget = b })
	uid := w.archive(t, "From: alice@example.test\nSubject: Hello\nMessage-ID: <a@x>\n\nHi.\n")
	bob := w.signin(t, "bob@example.test", "password1")
	release, _ := b.TryTake(95 << 20)
	for _, p := range []string{"/g/team/messages", "/g/team/messages/" + itoa(uid) + "/part/1"} {
		res, body := bob.head(t, p)
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
			!strings.Contains(text(body), "The server is busy with large messages.") {
			t.Fatalf("%s with the budget spent: %d %v %s", p, res.StatusCode, res.Header, text(body))
		}
	}
	for _, p := range []string{"/g/team", "/groups", "/g/team/messages/events"} {
		if res, _ := bob.head(t, p); res.StatusCode != http.StatusOK {
			t.Fatalf("%s with the budget spent: %d", p, res.StatusCode)
		}
	}
	release()
	if st, _ := bob.get(t, "/g/team/messages"); st != http.StatusOK {
		t.Fatalf("with the budget back: %d", st)
	}
}

// head GETs path and gives the answer's head and at most 64 KiB of its
// body, so that a stream that never ends can be asked too.
func (cl *client) head(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", cl.e.srv.URL+path, nil)
	res, err := cl.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		return res, ""
	}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	return res, string(b)
}
