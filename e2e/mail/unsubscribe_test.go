package mail

import (
	"net"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"groupd/config"
)

// One-click unsubscribe through the real daemon (issue 13, RFC 8058):
// swaks posts, the relay stand-in records each copy, curl does what a
// mailbox provider does with the link in the external address's copy.

// startPublic starts the daemon with public_url on its own HTTP address
// (http is allowed on a loopback host, for tests).
func startPublic(t *testing.T) *env {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return start(t, func(c *config.Config) {
		c.Listen.HTTP = addr
		c.PublicURL = "http://" + addr
	})
}

// curl runs curl with args and returns the HTTP status it got.
func curl(t *testing.T, args ...string) string {
	t.Helper()
	p, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	out, err := exec.Command(p, append([]string{"-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "30"}, args...)...).Output()
	if err != nil {
		t.Fatalf("curl %v: %v", args, err)
	}
	return string(out)
}

// unfolded is the value of the field name in data, continuation lines
// joined (RFC 5322 §2.2.3).
func unfolded(data []byte, name string) string {
	head, _, _ := strings.Cut(string(data), "\r\n\r\n")
	head = strings.NewReplacer("\r\n ", " ", "\r\n\t", " ").Replace(head)
	for _, line := range strings.Split(head, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// TestOneClickUnsubscribeAgainstDaemon: the external address's copy has
// List-Unsubscribe with the https-style link and the mailto form and
// List-Unsubscribe-Post; the members' copies have neither. A GET of the
// link and a POST with a forged token change nothing (404 for the
// forged one); curl -X POST with the RFC 8058 body removes the address,
// and the next post does not reach it.
func TestOneClickUnsubscribeAgainstDaemon(t *testing.T) {
	e := startPublic(t)
	e.list("team", []string{bob}, map[string]any{"send_restriction": "members", "external_members": []string{partner}})
	if got := e.swaksTo(bob, team, "first post", "hello"); !strings.HasPrefix(got, "<-  250 ") {
		t.Fatalf("post: %q", got)
	}
	got := e.settle()
	if c := copies(got, "first post"); c[alice] != 1 || c[bob] != 1 || c[partner] != 1 {
		t.Fatalf("copies %v", c)
	}
	for _, m := range append(got[alice], got[bob]...) {
		if unfolded(m, "List-Unsubscribe") != "" || unfolded(m, "List-Unsubscribe-Post") != "" {
			t.Fatalf("a member's copy has an unsubscribe link:\n%s", m)
		}
	}
	ext := got[partner][0]
	if p := unfolded(ext, "List-Unsubscribe-Post"); p != "List-Unsubscribe=One-Click" {
		t.Fatalf("List-Unsubscribe-Post %q", p)
	}
	lu := unfolded(ext, "List-Unsubscribe")
	link, mailto, _ := strings.Cut(lu, ", ")
	link = strings.Trim(link, "<>")
	if !strings.HasPrefix(link, e.d.Config.PublicURL+"/u/") || !strings.HasPrefix(mailto, "<mailto:team-unsubscribe+") {
		t.Fatalf("List-Unsubscribe %q", lu)
	}
	externals := func() []string {
		return slicesOf(t, e, `SELECT address FROM list_addresses WHERE kind = 'external'`)
	}
	if code := curl(t, link); code != "200" || !slices.Equal(externals(), []string{partner}) {
		t.Fatalf("GET: %s, external %v", code, externals())
	}
	token := strings.TrimPrefix(link, e.d.Config.PublicURL+"/u/")
	alt := "a"
	if strings.HasSuffix(token, "a") {
		alt = "b"
	}
	forged := e.d.Config.PublicURL + "/u/" + token[:len(token)-1] + alt
	if code := curl(t, "-X", "POST", "-d", "List-Unsubscribe=One-Click", forged); code != "404" ||
		!slices.Equal(externals(), []string{partner}) {
		t.Fatalf("forged POST: %s, external %v", code, externals())
	}
	if code := curl(t, "-X", "POST", "-d", "List-Unsubscribe=One-Click", link); code != "200" || len(externals()) != 0 {
		t.Fatalf("POST: %s, external %v", code, externals())
	}
	if code := curl(t, link); code != "404" {
		t.Fatalf("GET of the used link: %s", code)
	}
	if got := e.swaksTo(bob, team, "second post", "again"); !strings.HasPrefix(got, "<-  250 ") {
		t.Fatalf("post: %q", got)
	}
	if c := copies(e.settle(), "second post"); c[alice] != 1 || c[bob] != 1 || c[partner] != 0 {
		t.Fatalf("after the unsubscribe: copies %v", c)
	}
	if n := e.count(`SELECT count(*) FROM list_unsubscribes WHERE address = ? AND via = 'web'`, partner); n != 1 {
		t.Fatalf("%d removals recorded for the summary", n)
	}
}

// slicesOf is the one text column query selects, row by row.
func slicesOf(t *testing.T, e *env, query string) []string {
	t.Helper()
	rows, err := e.db().Query(e.d.DB.Q(query))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
