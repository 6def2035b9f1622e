package daemon

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// consoleClient is a browser signed in to the daemon's console.
type consoleClient struct {
	base string
	http *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func signInConsole(t *testing.T, d *Daemon, email string) *consoleClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &consoleClient{base: "http://" + d.Addr("http").String(), http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	c.get(t, "/signin")
	if st := c.post(t, "/signin", url.Values{"email": {email}, "password": {"password1"}, "next": {"/groups"}}); st != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", email, st)
	}
	c.get(t, "/groups")
	return c
}

func (c *consoleClient) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return string(b)
}

func (c *consoleClient) post(t *testing.T, path string, form url.Values) int {
	t.Helper()
	form.Set("_csrf", c.csrf)
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestConsolePostThroughTheList: with one request slot only, a member
// keeps the Messages tab's event stream open and still posts from the
// console (streams are counted apart); the post reaches the relay for
// every member, comes back on the stream, and shutting down ends the
// open stream instead of waiting on it.
func TestConsolePostThroughTheList(t *testing.T) {
	relay := startSink(t)
	cfg := testConfig(t, t.TempDir())
	cfg.Mail.Relay = relay.addr
	cfg.Limits.MaxHTTPRequests = 1
	d, _ := startDaemon(t, cfg)
	for _, u := range []string{"alice@example.test", "bob@example.test"} {
		if c := apiCall(t, d, "POST", "/api/v1/users", "", d.token, map[string]string{"email": u, "name": u, "password": "password1"}); c != 201 {
			t.Fatalf("create user: %d", c)
		}
	}
	if c := apiCall(t, d, "POST", "/api/v1/groups", "alice@example.test", "password1",
		map[string]any{"id": "team", "name": "Team", "members": []string{"bob@example.test"}, "notify": false}); c != 201 {
		t.Fatalf("create group: %d", c)
	}
	bob := signInConsole(t, d, "bob@example.test")
	page := bob.get(t, "/g/team/messages")
	stream := regexp.MustCompile(`data-events="([^"]+)"`).FindStringSubmatch(page)
	if stream == nil {
		t.Fatalf("no event stream on the page:\n%s", page)
	}
	resp, err := bob.http.Get(bob.base + strings.ReplaceAll(stream[1], "&amp;", "&"))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("event stream: %v %v", resp, err)
	}
	defer resp.Body.Close()
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()

	if st := bob.post(t, "/g/team/messages", url.Values{"subject": {"From the browser"}, "body": {"Posted in the console."}}); st != http.StatusSeeOther {
		t.Fatalf("post: %d", st)
	}
	for _, r := range []string{"alice@example.test", "bob@example.test"} {
		if got := relay.waitFor(t, r, "Posted in the console."); !strings.Contains(got, "List-Id:") {
			t.Errorf("%s got no list copy:\n%s", r, got)
		}
	}
	for deadline := time.After(5 * time.Second); ; {
		select {
		case l := <-lines:
			if !strings.HasPrefix(l, "data: ") || !strings.Contains(l, "Posted in the console.") {
				continue
			}
		case <-deadline:
			t.Fatal("the post never came on the event stream")
		}
		break
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := d.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown with a stream open: %v", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("shutdown waited %v on the open stream", time.Since(start))
	}
}
