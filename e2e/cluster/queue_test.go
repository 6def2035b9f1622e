package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

const (
	alice = "alice@example.test"
	team  = "team@lists.example.test"
)

// as sends a JSON request to n's API as user (password "password1").
func as(t *testing.T, n *node, user, method, path string, body any, want int) []byte {
	t.Helper()
	j, _ := json.Marshal(body)
	req, err := http.NewRequest(method, "http://"+n.Addr("http")+path, bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, "password1")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s on node %s: %d %s", method, path, n.name, res.StatusCode, b)
	}
	return b
}

// bigList makes alice (through node A) master of list team with n
// external members on 20 domains (one relay transaction per 100), and
// returns every address the list sends to: alice's and theirs.
func bigList(t *testing.T, c *cluster, n int) []string {
	t.Helper()
	user(t, c.a(), alice)
	as(t, c.a(), alice, "POST", "/api/v1/groups", map[string]any{"id": "team", "name": "Team", "notify": false}, 201)
	ext := make([]string, n)
	for i := range ext {
		ext[i] = fmt.Sprintf("m%04d@d%02d.example", i, i%20)
	}
	as(t, c.b(), alice, "PATCH", "/api/v1/groups/team", map[string]any{"mailing_list": map[string]any{"external_members": ext}}, 200)
	return append(ext, alice)
}

// post sends one post from alice to team through n's SMTP port.
func post(t *testing.T, n *node, subject string) {
	t.Helper()
	msg := "From: Alice <" + alice + ">\r\nTo: " + team + "\r\nSubject: " + subject +
		"\r\nMessage-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@example.test>\r\n\r\nhello\r\n"
	c, err := gosmtp.Dial(n.Addr("smtp"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail(alice, []string{team}, strings.NewReader(msg)); err != nil {
		t.Fatalf("post through node %s: %v", n.name, err)
	}
	c.Quit()
}

// TestClusterFanOutOnce: a post to a 2,000-address list, with both
// nodes' queues running, reaches the relay exactly once per recipient,
// and both nodes take part.
func TestClusterFanOutOnce(t *testing.T) {
	r := startRelay(t, 20*time.Millisecond)
	c := startCluster(t, r)
	rcpts := bigList(t, c, 2000)
	start := time.Now()
	post(t, c.a(), "fan out")
	r.waitRecipients(t, len(rcpts), 60*time.Second)
	took := time.Since(start)
	time.Sleep(2 * lease) // anything sent twice would arrive by now
	got := r.received()
	by := map[string]int{}
	for _, rc := range rcpts {
		if len(got[rc]) != 1 {
			t.Errorf("%s got %d copies (from %v), want 1", rc, len(got[rc]), got[rc])
		}
		for _, h := range got[rc] {
			by[h]++
		}
	}
	if len(got) != len(rcpts) {
		t.Errorf("the relay got mail for %d addresses, want %d", len(got), len(rcpts))
	}
	t.Logf("%d recipients in %v, %d relay transactions; copies by node: %v", len(rcpts), took.Round(time.Millisecond), r.txns, by)
	if len(by) != 2 {
		t.Errorf("copies by node %v: want both nodes to deliver", by)
	}
}
