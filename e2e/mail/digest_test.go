package mail

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groupd/config"
)

// reader is an external address that takes digests.
const reader = "reader@partner.example"

// TestDigestFromDaemon (issue 13): on team, alice and the external
// partner take each post, bob and the external reader a digest, carol
// nothing. Three posts sent
// with swaks: alice and partner get three copies each, carol none, and
// bob one digest, which Python's email package reads as a
// multipart/digest of a table of contents and the three posts. The
// digest goes out because the posts pass mail.digest_max_bytes (set
// below three posts' size); mail.digest_hour is put half a day away, so
// that the hour does not send it first.
func TestDigestFromDaemon(t *testing.T) {
	swaks := swaks(t)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	e := start(t, func(c *config.Config) {
		c.Mail.DigestMaxBytes = 11000
		c.Mail.DigestHour = (time.Now().UTC().Hour() + 12) % 24
	})
	e.list("team", []string{bob, carol}, map[string]any{"external_members": []string{partner, reader}})
	for _, c := range []struct{ who, mode string }{{bob, "digest"}, {carol, "none"}} {
		if code, body := e.d.API(t, "PUT", "/api/v1/groups/team/delivery", c.who, map[string]string{"mode": c.mode}); code != 200 {
			t.Fatalf("PUT delivery %s as %s: %d %s", c.mode, c.who, code, body)
		}
	}
	if code, body := e.d.API(t, "PUT", "/api/v1/groups/team/external/"+reader+"/delivery", alice,
		map[string]string{"mode": "digest"}); code != 200 {
		t.Fatalf("PUT the external reader's delivery: %d %s", code, body)
	}
	// 40 lines of 100 bytes: three posts pass 11000 bytes, two do not.
	body := strings.Repeat(strings.Repeat("digest me ", 9)+"digest m\n", 40)
	for i := 1; i <= 3; i++ {
		out, err := exec.Command(swaks, "--server", e.d.Addr("smtp").String(), "--from", alice, "--to", team,
			"--helo", "swaks.example", "--timeout", "60", "--header", fmt.Sprintf("Subject: post %d", i),
			"--body", body).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "<-  250 2.0.0 ") {
			t.Fatalf("swaks post %d: %v\n%s", i, err, out)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(e.relay.Received()[bob]) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	got := e.settle()
	for _, rc := range []string{alice, partner} {
		if s := subjects(got[rc]); len(s) != 3 {
			t.Errorf("%s got %q, want the three posts", rc, s)
		}
	}
	if len(got[carol]) != 0 {
		t.Errorf("carol (none) got %q, want nothing", subjects(got[carol]))
	}
	if len(got[bob]) != 1 {
		t.Fatalf("bob (digest) got %d messages %q, want one digest", len(got[bob]), subjects(got[bob]))
	}
	digest := got[bob][0]
	if h := header(digest, "List-Id"); h != `"Team" <team.lists.example.test>` {
		t.Errorf("the digest's List-Id is %q", h)
	}
	// The external reader's digest carries its unsubscribe link (the
	// mailto form: no public_url here); a member's has none.
	if h := header(digest, "List-Unsubscribe"); h != "" {
		t.Errorf("bob's digest (a member's) has List-Unsubscribe %q", h)
	}
	if len(got[reader]) != 1 || !strings.HasPrefix(header(got[reader][0], "List-Unsubscribe"), "<mailto:team-unsubscribe+") {
		t.Errorf("the external reader got %d digests, List-Unsubscribe %q", len(got[reader]), header(got[reader][0], "List-Unsubscribe"))
	}
	path := filepath.Join(t.TempDir(), "digest.eml")
	if err := os.WriteFile(path, digest, 0o600); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
parts = list(m.iter_parts())
print(m.get_content_type(), len(parts))
print(parts[0].get_content_type())
for p in parts[1:]:
    print(p.get_content_type(), p.get_content()['subject'])
`
	out, err := exec.Command("python3", "-c", script, path).CombinedOutput()
	want := "multipart/digest 4\ntext/plain\nmessage/rfc822 post 1\nmessage/rfc822 post 2\nmessage/rfc822 post 3\n"
	if err != nil || string(out) != want {
		t.Errorf("python3's email package reads the digest as:\n%s(%v)\nwant\n%s", out, err, want)
	}
	// Nothing more is due: no second digest, and the kept posts are gone.
	time.Sleep(500 * time.Millisecond)
	if n := len(e.settle()[bob]); n != 1 {
		t.Errorf("bob got %d digests, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM digest_posts`); n != 0 {
		t.Errorf("%d posts still kept for digests", n)
	}
}
