package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/config"
)

// TestMailKeysReachTheList: [mail] from_rewrite, subject_prefix and
// list_rate, read from a groupd.toml, shape what the relay receives from
// the running daemon: From names the list ("Alice via Team"), the author
// is in Reply-To, the Subject carries "[Team]", and of two posts within
// the hour only the first starts delivery.
func TestMailKeysReachTheList(t *testing.T) {
	relay := startSink(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "groupd.toml")
	toml := fmt.Sprintf(`data_dir = %q
[mail]
relay = %q
from_rewrite = "always"
subject_prefix = true
list_rate = 1
[listen]
smtp = "127.0.0.1:0"
submission = ""
imap = ""
http = "127.0.0.1:0"
`, filepath.Join(dir, "data"), relay.addr)
	if err := os.WriteFile(file, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := startDaemon(t, cfg)
	for _, u := range []string{"alice@example.test", "bob@example.test"} {
		if c := apiCall(t, d, "POST", "/api/v1/users", "", d.token, map[string]string{"email": u, "name": u, "password": "password1"}); c != 201 {
			t.Fatalf("create user: %d", c)
		}
	}
	if c := apiCall(t, d, "POST", "/api/v1/groups", "alice@example.test", "password1",
		map[string]any{"id": "team", "name": "Team", "members": []string{"bob@example.test"}}); c != 201 {
		t.Fatalf("create group: %d", c)
	}
	for i := 1; i <= 2; i++ {
		post := fmt.Sprintf("From: Alice <alice@example.test>\r\nTo: team@lists.example.test\r\n"+
			"Subject: plan %d\r\nMessage-ID: <p%d@example.test>\r\n\r\nBody %d.\r\n", i, i, i)
		c, err := gosmtp.Dial(d.Addr("smtp").String())
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SendMail("alice@example.test", []string{"team@lists.example.test"}, strings.NewReader(post)); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
		c.Quit()
	}
	got := relay.waitFor(t, "bob@example.test", "Body 1.")
	for _, want := range []string{
		`From: "Alice via Team" <team@lists.example.test>`,
		`Reply-To: "Alice" <alice@example.test>`,
		"X-Original-Sender: alice@example.test",
		"Subject: [Team] plan 1",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the relay's copy lacks %q:\n%s", want, got)
		}
	}
	time.Sleep(time.Second)
	relay.mu.Lock()
	defer relay.mu.Unlock()
	for _, m := range relay.got["bob@example.test"] {
		if strings.Contains(m, "Body 2.") {
			t.Error("list_rate = 1: the second post of the hour was delivered at once")
		}
	}
}
