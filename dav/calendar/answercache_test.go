package calendar

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"groupd/groups"
)

const (
	acEv     = "/dav/calendars/team/events/"
	acSecret = "/dav/calendars/hidden/events/secret.ics"
)

// multigetOf asks for the etag and data of paths as user.
func (e *env) multigetOf(user string, paths ...string) string {
	e.t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>`)
	for _, p := range paths {
		b.WriteString("<d:href>" + p + "</d:href>")
	}
	b.WriteString("</c:calendar-multiget>")
	code, body, _ := e.do(user, "REPORT", acEv, b.String(), hdr{"Content-Type": "application/xml", "Depth": "1"})
	if code != 207 {
		e.t.Fatalf("multiget as %s: %d %s", user, code, body)
	}
	return body
}

// found reports whether body answers p with its data (not a 404).
func found(body, p string) bool {
	i := strings.Index(body, "<d:href>"+p+"</d:href>")
	return i >= 0 && strings.HasPrefix(body[i+len("<d:href>"+p+"</d:href>"):], "<d:propstat>")
}

// TestMultigetCacheFollowsChanges: a multiget answered from the cache
// shows every change made since (PUT, DELETE), and nothing to a user who
// may not see the collection, even right after a member's request filled
// the cache: not to a non-member, not to a removed member, not with the
// feature turned off.
func TestMultigetCacheFollowsChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	put := func(p, summary string) {
		t.Helper()
		if code, _ := e.put("bob", p, ics(event(p[strings.LastIndex(p, "/")+1:], "DTSTART:20250601T100000Z", "SUMMARY:"+summary)), nil); code/100 != 2 {
			t.Fatalf("PUT %s: %d", p, code)
		}
	}
	a, b := acEv+"a.ics", acEv+"b.ics"
	put(a, "first")
	put(b, "bee")
	put(acSecret, "secret")
	for range 2 {
		if body := e.multigetOf("bob", a, b, acSecret); !strings.Contains(body, "SUMMARY:first") || !found(body, b) || !strings.Contains(body, "SUMMARY:secret") {
			t.Fatalf("before the changes: %s", body)
		}
	}
	put(a, "second")
	if code, _, _ := e.do("bob", "DELETE", b, "", nil); code != 204 {
		t.Fatalf("DELETE: %d", code)
	}
	body := e.multigetOf("bob", a, b)
	if !strings.Contains(body, "SUMMARY:second") || strings.Contains(body, "SUMMARY:first") || found(body, b) {
		t.Fatalf("after PUT and DELETE: %s", body)
	}
	if body := e.multigetOf("carol", a, acSecret); found(body, a) || found(body, acSecret) || strings.Contains(body, "SUMMARY:") {
		t.Fatalf("a non-member got objects: %s", body)
	}
	ctx, alice := context.Background(), groups.Actor{Email: "alice@example.test"}
	if err := e.store.RemoveMember(ctx, alice, "hidden", "bob@example.test"); err != nil {
		t.Fatal(err)
	}
	if body := e.multigetOf("bob", acSecret); found(body, acSecret) || strings.Contains(body, "SUMMARY:secret") {
		t.Fatalf("a removed member got the private group's object: %s", body)
	}
	no := false
	if _, err := e.store.UpdateGroup(ctx, alice, "team", groups.GroupSpec{Features: &groups.FeatureSpec{Event: &no}}); err != nil {
		t.Fatal(err)
	}
	if body := e.multigetOf("bob", a); found(body, a) {
		t.Fatalf("events turned off, yet: %s", body)
	}
}

// TestMultigetCacheBounded: a cache too small for the objects, or none,
// answers as the default one does, within its bound.
func TestMultigetCacheBounded(t *testing.T) {
	t.Parallel()
	var paths []string
	var want string
	for _, size := range []int64{0, 2000, -1} {
		e := newEnv(t, Options{AnswerCacheBytes: size})
		if paths == nil {
			for i := range 20 {
				paths = append(paths, fmt.Sprintf("%sev-%05d.ics", acEv, i))
			}
		}
		for i, p := range paths {
			if code, _ := e.put("bob", p, benchEvent(i, "Event <&>"), nil); code != 201 {
				t.Fatalf("PUT: %d", code)
			}
		}
		for range 3 {
			got := e.multigetOf("bob", paths...)
			if want == "" {
				want = got
			}
			if got != want {
				t.Fatalf("cache of %d bytes: %s\nwant %s", size, got, want)
			}
		}
		ac := e.srv.Config.Handler.(*handler).answers.l
		ac.mu.Lock()
		used, n := ac.used, ac.ll.Len()
		ac.mu.Unlock()
		if size == 2000 && (used > 2000 || n == 0 || n >= len(paths)) || size < 0 && n != 0 || size == 0 && n != len(paths) {
			t.Errorf("cache of %d bytes holds %d objects, %d bytes", size, n, used)
		}
	}
}

// TestMultigetCacheConcurrentWrites: while others multiget (filling the
// cache), every multiget made after a PUT's answer shows that PUT.
func TestMultigetCacheConcurrentWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	p := acEv + "x.ics"
	put := func(v int) {
		if code, _ := e.put("bob", p, ics(event("x", "DTSTART:20250601T100000Z", fmt.Sprintf("SUMMARY:v%d.", v))), nil); code/100 != 2 {
			t.Errorf("PUT: %d", code)
		}
	}
	put(0)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					e.multigetOf("alice", p)
				}
			}
		}()
	}
	for v := 1; v <= 30; v++ {
		put(v)
		if body := e.multigetOf("bob", p); !strings.Contains(body, fmt.Sprintf("SUMMARY:v%d.", v)) {
			t.Errorf("after PUT v%d: %s", v, body)
			break
		}
	}
	close(stop)
	wg.Wait()
}
