package limits

import (
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"

	"groupd/config"
	"groupd/e2e/internal/e2etest"
)

// TestConcurrentRequests: with two requests in progress (uploads whose
// bodies are still coming) a third is answered 503 with Retry-After and
// a sentence; the two finish, and then requests are served again.
func TestConcurrentRequests(t *testing.T) {
	d := start(t, func(l *config.Limits) { l.MaxHTTPRequests = 2 })
	d.Team(t)
	var bodies []*io.PipeWriter
	var done []chan int
	for i := range 2 {
		w, ch := slowPut(t, d, "/dav/files/team/slow"+string(rune('a'+i))+".txt")
		bodies, done = append(bodies, w), append(done, ch)
	}
	res := get(t, d.URL("/healthz"))
	if res.code != 503 || res.retry == "" || !strings.Contains(res.body, "2 requests are in progress") {
		t.Fatalf("third request: %+v", res)
	}
	for i, w := range bodies {
		io.WriteString(w, "hello\n")
		w.Close()
		if code := <-done[i]; code != 201 {
			t.Fatalf("upload %d: %d", i, code)
		}
	}
	if res := get(t, d.URL("/healthz")); res.code != 200 {
		t.Fatalf("after the uploads: %+v", res)
	}
}

// slowPut starts a PUT whose body is the returned pipe and returns once
// the server is reading it (it asked for the body with 100 Continue,
// RFC 9110 §10.1.1); the channel gets the final status.
func slowPut(t *testing.T, d *e2etest.Daemon, path string) (*io.PipeWriter, chan int) {
	t.Helper()
	r, w := io.Pipe()
	t.Cleanup(func() { w.Close() })
	reading := make(chan struct{})
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		Got100Continue: func() { close(reading) },
	})
	req, err := http.NewRequestWithContext(ctx, "PUT", d.URL(path), r)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("alice@example.test", e2etest.Password)
	req.Header.Set("Expect", "100-continue")
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	done := make(chan int, 1)
	go func() {
		res, err := client.Do(req)
		if err != nil {
			done <- 0
			return
		}
		res.Body.Close()
		done <- res.StatusCode
	}()
	select {
	case <-reading:
	case code := <-done:
		t.Fatalf("PUT %s ended before its body: %d", path, code)
	}
	return w, done
}

// TestRequestBodyLimit: an API JSON body and a CalDAV XML body beyond
// max_request_bytes get 413 (RFC 9110 §15.5.14) with a reason; a file
// upload is not bound by it; small requests go on being served.
func TestRequestBodyLimit(t *testing.T) {
	d := start(t, func(l *config.Limits) { l.MaxRequestBytes = 1000 })
	d.Team(t)
	big := strings.Repeat("x", 2000)
	code, body := d.API(t, "PATCH", "/api/v1/users/carol@example.test", "", map[string]string{"name": big})
	if code != 413 || !strings.Contains(string(body), "too_large") {
		t.Fatalf("API body of 2000 bytes: %d %s", code, body)
	}
	if code, body := d.API(t, "PATCH", "/api/v1/users/carol@example.test", "", map[string]string{"name": "Carol"}); code != 200 {
		t.Fatalf("small API body: %d %s", code, body)
	}
	propfind := `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:displayname/></D:prop><!--` + big + `--></D:propfind>`
	if code, body := dav(t, d, "PROPFIND", "/dav/calendars/", propfind); code != 413 || !strings.Contains(body, "too large") {
		t.Fatalf("PROPFIND body of %d bytes: %d %s", len(propfind), code, body)
	}
	if code, body := dav(t, d, "PUT", "/dav/files/team/big.txt", big+big); code != 201 {
		t.Fatalf("file of 4000 bytes: %d %s", code, body)
	}
}

// dav sends a request as alice with an XML or text body.
func dav(t *testing.T, d *e2etest.Daemon, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, d.URL(path), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("alice@example.test", e2etest.Password)
	req.Header.Set("Depth", "0")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
