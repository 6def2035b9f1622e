package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	gosmtp "github.com/emersion/go-smtp"

	"groupd/internal/testkit"
)

// sink is a relay that records the recipients of every message it takes.
type sink struct {
	mu   sync.Mutex
	got  map[string][]string // recipient -> messages
	addr string
}

type sinkSession struct {
	s     *sink
	rcpts []string
}

func (ss *sinkSession) Reset()                                 { ss.rcpts = nil }
func (ss *sinkSession) Logout() error                          { return nil }
func (ss *sinkSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	ss.rcpts = append(ss.rcpts, to)
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	for _, to := range ss.rcpts {
		ss.s.got[to] = append(ss.s.got[to], string(b))
	}
	return err
}

func startSink(t *testing.T) *sink {
	t.Helper()
	s := &sink{got: map[string][]string{}}
	s.addr = testkit.ServeRelay(t, func(*gosmtp.Conn) (gosmtp.Session, error) { return &sinkSession{s: s}, nil })
	return s
}

// waitFor returns the messages rcpt received containing text, waiting up
// to 10 s for at least one.
func (s *sink) waitFor(t *testing.T, rcpt, text string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		s.mu.Lock()
		for _, m := range s.got[rcpt] {
			if strings.Contains(m, text) {
				s.mu.Unlock()
				return m
			}
		}
		s.mu.Unlock()
	}
	t.Fatalf("%s never received a message containing %q", rcpt, text)
	return ""
}

func apiCall(t *testing.T, d *Daemon, method, path, user, pass string, body any) int {
	t.Helper()
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, "http://"+d.Addr("http").String()+path, bytes.NewReader(j))
	if user == "" {
		req.Header.Set("Authorization", "Bearer "+pass)
	} else {
		req.SetBasicAuth(user, pass)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestPostTravelsEveryProtocol: users and a group made over the API, a
// post sent over SMTP, fanned out to the relay, and read over IMAP — the
// whole daemon, each surface through its real client.
func TestPostTravelsEveryProtocol(t *testing.T) {
	relay := startSink(t)
	cfg := testConfig(t, t.TempDir())
	cfg.Listen.SMTP, cfg.Listen.IMAP = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Mail.Relay = relay.addr
	d, _ := startDaemon(t, cfg)
	token := d.token
	for _, u := range []string{"alice@example.test", "bob@example.test"} {
		if c := apiCall(t, d, "POST", "/api/v1/users", "", token, map[string]string{"email": u, "name": u, "password": "password1"}); c != 201 {
			t.Fatalf("create user: %d", c)
		}
	}
	if c := apiCall(t, d, "POST", "/api/v1/groups", "alice@example.test", "password1",
		map[string]any{"id": "team", "name": "Team", "members": []string{"bob@example.test"}}); c != 201 {
		t.Fatalf("create group: %d", c)
	}
	relay.waitFor(t, "bob@example.test", `Group "Team" was created by alice@example.test`)

	post := "From: Alice <alice@example.test>\r\nTo: team@lists.example.test\r\nSubject: hello team\r\n" +
		"Message-ID: <p1@example.test>\r\n\r\nSee you at noon.\r\n"
	sc, err := gosmtp.Dial(d.Addr("smtp").String())
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.SendMail("alice@example.test", []string{"team@lists.example.test"}, strings.NewReader(post)); err != nil {
		t.Fatalf("post: %v", err)
	}
	sc.Quit()
	got := relay.waitFor(t, "bob@example.test", "See you at noon.")
	if !strings.Contains(got, "List-Id:") || !strings.Contains(got, "team.lists.example.test") {
		t.Errorf("fan-out copy lacks List-Id:\n%s", got)
	}

	c, err := imapclient.DialInsecure(d.Addr("imap").String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("bob@example.test", "password1").Wait(); err != nil {
		t.Fatal(err)
	}
	sel, err := c.Select("Groups/Team", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil || sel.NumMessages != 1 {
		t.Fatalf("select: %+v %v", sel, err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{Envelope: true}).Collect()
	if err != nil || len(msgs) != 1 || msgs[0].Envelope.Subject != "hello team" {
		t.Fatalf("fetch: %v %v", msgs, err)
	}
	waitIndexed(t, d)
}

// waitIndexed waits until the daemon's indexer has written the search
// text of every archived post (nothing is left in imap_text_todo).
func waitIndexed(t *testing.T, d *Daemon) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		sizes, err := d.store.IndexTodoSizes(context.Background(), 10)
		if err == nil && len(sizes) == 0 {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("posts still waiting for their search text: %d (%v)", len(sizes), err)
		}
	}
}
