package limits

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"groupd/config"
)

const conns = 3

// TestConnectionsPerIPMail: the fourth connection from one address to
// the SMTP or submission listener is answered 421 4.7.0 (RFC 5321 §3.8)
// and closed; once one of the three goes, a new one is greeted.
func TestConnectionsPerIPMail(t *testing.T) {
	d := start(t, func(l *config.Limits) { l.MaxConnectionsPerIP = conns })
	for _, name := range []string{"smtp", "submission"} {
		t.Run(name, func(t *testing.T) {
			var open []*line
			for range conns {
				c := dial(t, d.Addr(name))
				wantPrefix(t, "greeting", c.read(), "220 ")
				open = append(open, c)
			}
			hog := dial(t, d.Addr(name))
			wantPrefix(t, "fourth connection", hog.read(), "421 4.7.0 lists.example.test Too many connections from your address (the limit is 3)")
			if got := hog.read(); got != "EOF" {
				t.Fatalf("after the 421: %q, want the connection closed", got)
			}
			if n := strings.Count(d.Logs.String(), "msg=\"connections refused: too many from one address\" component="+name+" ip=127.0.0.1 limit=3"); n != 1 {
				t.Errorf("%d log lines for the refusal, want 1:\n%s", n, d.Logs)
			}
			wantPrefix(t, "a held connection still works", open[0].send("NOOP"), "250 ")
			wantPrefix(t, "another address", dialFrom(t, "127.0.0.2", d.Addr(name)).read(), "220 ")
			open[1].send("QUIT")
			open[1].closed()
			next := dial(t, d.Addr(name))
			wantPrefix(t, "after one left", next.read(), "220 ")
		})
	}
}

// TestConnectionsPerIPIMAP: IMAP says BYE [UNAVAILABLE] (RFC 9051
// §7.1.5) to the connection beyond the limit.
func TestConnectionsPerIPIMAP(t *testing.T) {
	d := start(t, func(l *config.Limits) { l.MaxConnectionsPerIP = conns })
	var open []*line
	for range conns {
		c := dial(t, d.Addr("imap"))
		wantPrefix(t, "greeting", c.read(), "* OK")
		open = append(open, c)
	}
	hog := dial(t, d.Addr("imap"))
	wantPrefix(t, "fourth connection", hog.read(), "* BYE [UNAVAILABLE] Too many connections from your address")
	wantPrefix(t, "a held connection still works", open[0].send("a1 NOOP"), "a1 OK")
	wantPrefix(t, "another address", dialFrom(t, "127.0.0.2", d.Addr("imap")).read(), "* OK")
	open[1].send("a2 LOGOUT")
	open[1].closed()
	wantPrefix(t, "after one left", dial(t, d.Addr("imap")).read(), "* OK")
}

// TestConnectionsPerIPHTTP: the HTTP connection beyond the limit gets a
// 503 with Retry-After and a sentence (RFC 9110 §15.6.4, §10.2.3).
func TestConnectionsPerIPHTTP(t *testing.T) {
	d := start(t, func(l *config.Limits) { l.MaxConnectionsPerIP = conns })
	var open []*line
	for range conns {
		open = append(open, dial(t, d.Addr("http")))
	}
	other := &http.Transport{DisableKeepAlives: true,
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}).DialContext}
	if res, err := (&http.Client{Transport: other}).Get(d.URL("/healthz")); err != nil || res.StatusCode != 200 {
		t.Fatalf("another address: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	res := get(t, d.URL("/healthz"))
	if res.code != 503 || res.retry == "" || res.body != "Too many connections from your address (the limit is 3); close some and try again.\n" {
		t.Fatalf("fourth connection: %+v", res)
	}
	open[0].c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: groupd\r\nConnection: close\r\n\r\n"))
	open[0].closed()
	if res := get(t, d.URL("/healthz")); res.code != 200 {
		t.Fatalf("after one left: %+v", res)
	}
}

type answer struct {
	code        int
	retry, body string
}

// get sends GET on a connection of its own.
func get(t *testing.T, url string) answer {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header.Get("Retry-After"), string(b)}
}
