package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// sse is one server-sent event as a browser's EventSource sees it.
type sse struct{ name, id, data string }

// openStream opens the Messages event stream as cl and returns its
// events (closed at the end of the stream).
func openStream(t *testing.T, cl *client, path string, h map[string]string) <-chan sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", cl.e.srv.URL+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := cl.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body.Close()
		t.Fatalf("event stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan sse, 16)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		var ev sse
		for sc.Scan() { // WHATWG HTML §9.2.6: fields until a blank line
			k, v, _ := strings.Cut(sc.Text(), ":")
			v = strings.TrimPrefix(v, " ")
			switch k {
			case "event":
				ev.name = v
			case "id":
				ev.id = v
			case "data":
				ev.data += v
			case "":
				if ev.name != "" {
					out <- ev
				}
				ev = sse{}
			}
		}
	}()
	return out
}

func nextEvent(t *testing.T, events <-chan sse, within time.Duration) sse {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("the stream ended")
		}
		return ev
	case <-time.After(within):
		t.Fatalf("no event within %v", within)
	}
	return sse{}
}

// TestMessagesLiveEvents: a post archived while the tab is open arrives
// on its event stream within a second, rendered and with what places it
// in its thread; a reconnecting page gets what it missed; a member who
// is removed has the stream ended.
func TestMessagesLiveEvents(t *testing.T) {
	w := newMessageWorld(t, false)
	first := w.archive(t, rawMail("Alice <alice@example.test>", "Lunch", "a1@x", "", "Where?"))
	bob := w.signin(t, "bob@example.test", "password1")
	_, page := bob.get(t, "/g/team/messages")
	if !strings.Contains(page, `data-events="/g/team/messages/events?after=`+uidStr(first)+`"`) {
		t.Fatalf("the page does not name its stream")
	}
	events := openStream(t, bob, "/g/team/messages/events?after="+uidStr(first), nil)
	// The stream subscribed to the feed before its first bytes came.
	start := time.Now()
	second := w.archive(t, rawMail("Alice <alice@example.test>", "Re: Lunch", "a2@x", "In-Reply-To: <a1@x>\n", "Noodles <b>&</b> tea"))
	ev := nextEvent(t, events, time.Second)
	t.Logf("event after %v", time.Since(start))
	var data postEvent
	if err := json.Unmarshal([]byte(ev.data), &data); err != nil {
		t.Fatalf("event data %q: %v", ev.data, err)
	}
	if ev.name != "post" || ev.id != uidStr(second) || data.UID != second || len(data.Refs) != 1 || data.Refs[0] != "a1@x" {
		t.Fatalf("event %+v", ev)
	}
	if !strings.Contains(data.Post, `id="m`+uidStr(second)+`"`) || !strings.Contains(data.Post, "Noodles &lt;b&gt;&amp;&lt;/b&gt; tea") ||
		!strings.Contains(data.Thread, `name="reply" value="`+uidStr(second)+`"`) {
		t.Errorf("rendered post: %s\nthread: %s", data.Post, data.Thread)
	}

	// Reconnecting with Last-Event-ID gets the posts after it at once.
	again := openStream(t, bob, "/g/team/messages/events", map[string]string{"Last-Event-ID": uidStr(first)})
	if ev := nextEvent(t, again, time.Second); ev.id != uidStr(second) {
		t.Errorf("catch-up sent %+v", ev)
	}

	if err := w.store.RemoveMember(context.Background(), groups.Actor{Email: "alice@example.test"}, "team", "bob@example.test"); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(t, events, time.Second); ev.name != "end" {
		t.Fatalf("after removal: %+v", ev)
	}
	select {
	case _, ok := <-events:
		if ok {
			t.Error("the stream goes on after the end event")
		}
	case <-time.After(time.Second):
		t.Error("the stream stays open after removal")
	}
}

// TestMessagesStreamsPerUser: one user holds at most maxStreamsPerUser
// event streams; one more is refused with a sentence, while another user
// still gets theirs.
func TestMessagesStreamsPerUser(t *testing.T) {
	w := newMessageWorld(t, false)
	bob := w.signin(t, "bob@example.test", "password1")
	for range maxStreamsPerUser {
		openStream(t, bob, "/g/team/messages/events", nil)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", w.srv.URL+"/g/team/messages/events", nil)
	st, body, _ := bob.do(t, req)
	if st != http.StatusTooManyRequests || !strings.Contains(text(body), "Too many pages with live messages") {
		t.Fatalf("stream %d: %d %s", maxStreamsPerUser+1, st, text(body))
	}
	alice := w.signin(t, "alice@example.test", "password1")
	openStream(t, alice, "/g/team/messages/events", nil) // another user is not counted with bob
}
