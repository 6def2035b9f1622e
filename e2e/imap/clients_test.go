package imap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"groupd/e2e/internal/e2etest"
)

// needTool returns the path of a third-party client; the test is skipped
// when it is missing, unless $CI is set (then the test fails).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required in CI (apt-get install python3 isync): %v", name, err)
		}
		t.Skipf("%s is not installed; apt-get install python3 isync to run this test", name)
	}
	return p
}

const imaplibScript = `
import imaplib, json, sys
host, port, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
out = {}
m = imaplib.IMAP4(host, port)
out["login"] = m.login(user, pw)[0]
typ, boxes = m.list()
out["list"] = sorted(b.decode() for b in boxes)
typ, data = m.select('"Groups/Team"', readonly=True)
out["exists"] = int(data[0])
typ, data = m.search(None, "TEXT", "bananas")
out["search"] = data[0].decode().split()
typ, data = m.fetch(out["search"][0], "(UID RFC822.SIZE BODY.PEEK[])")
out["body"] = data[0][1].decode("latin-1")
typ, data = m.uid("SEARCH", None, "ALL")
out["uids"] = data[0].decode().split()
out["append"] = m.append('"Groups/Team"', None, None, b"Subject: x\r\n\r\ny\r\n")[0]
m.logout()
print(json.dumps(out))
`

// TestPythonImaplib: Python's standard IMAP client logs in, lists, selects,
// searches and fetches a post byte for byte; its APPEND is refused.
func TestPythonImaplib(t *testing.T) {
	t.Parallel()
	py := needTool(t, "/usr/bin/python3")
	e := start(t)
	e.post("team@lists.example.test", "Lunch", "bananas again")
	e.post("team@lists.example.test", "Budget", "numbers")
	uids, data := e.archived("team")
	host, port, _ := net.SplitHostPort(e.d.Addr("imap").String())
	script := filepath.Join(t.TempDir(), "client.py")
	if err := os.WriteFile(script, []byte(imaplibScript), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, script, host, port, "bob@example.test", e2etest.Password).CombinedOutput()
	if err != nil {
		t.Fatalf("imaplib: %v\n%s", err, out)
	}
	var got struct {
		Login  string
		List   []string
		Exists int
		Search []string
		Body   string
		UIDs   []string
		Append string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	wantList := []string{`(\HasNoChildren) "/" "Groups/Hidden"`, `(\HasNoChildren) "/" "Groups/Team"`,
		`(\HasNoChildren) "/" INBOX`, `(\Noselect \HasChildren) "/" "Groups"`}
	if got.Login != "OK" || fmt.Sprint(got.List) != fmt.Sprint(wantList) || got.Exists != 2 {
		t.Errorf("login %s, list %q, exists %d", got.Login, got.List, got.Exists)
	}
	if fmt.Sprint(got.Search) != "[1]" || fmt.Sprint(got.UIDs) != fmt.Sprint(uids) {
		t.Errorf("search %v, UIDs %v; the archive has UIDs %v", got.Search, got.UIDs, uids)
	}
	if !bytes.Equal([]byte(got.Body), data[0]) {
		t.Errorf("imaplib's body differs from the archive:\n%q\nwant\n%q", got.Body, data[0])
	}
	if got.Append != "NO" {
		t.Errorf("APPEND answered %s", got.Append)
	}
}

// TestMbsyncPullsGroupMailbox: mbsync (isync) pulls a group's mailbox into
// a Maildir, one file per post, each the archived post.
func TestMbsyncPullsGroupMailbox(t *testing.T) {
	t.Parallel()
	mbsync := needTool(t, "mbsync")
	e := start(t)
	for i := 0; i < 7; i++ {
		e.post("team@lists.example.test", fmt.Sprintf("post %d", i), fmt.Sprintf("body %d", i))
	}
	_, data := e.archived("team")
	host, port, _ := net.SplitHostPort(e.d.Addr("imap").String())
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "mail"), 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "mbsyncrc")
	cfg := fmt.Sprintf(`IMAPAccount groupd
Host %s
Port %s
User bob@example.test
Pass %s
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account groupd

MaildirStore local
Path %s/mail/
Inbox %s/mail/INBOX
SubFolders Verbatim

Channel team
Far :remote:"Groups/Team"
Near :local:team
Sync Pull
Create Near
SyncState *
`, host, port, e2etest.Password, dir, dir)
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(mbsync, "-c", conf, "team")
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mbsync: %v\n%s", err, out)
	}
	var files []string
	for _, sub := range []string{"cur", "new"} {
		ms, _ := filepath.Glob(filepath.Join(dir, "mail", "team", sub, "*"))
		files = append(files, ms...)
	}
	if len(files) != len(data) || len(data) != 7 {
		t.Fatalf("mbsync pulled %d messages; the archive holds %d, 7 were posted\n%s", len(files), len(data), out)
	}
	tuid := regexp.MustCompile(`(?m)^X-TUID: \S+\n`) // mbsync's tracking field
	pulled := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pulled[tuid.ReplaceAllString(string(b), "")] = true
	}
	for i, d := range data {
		// A Maildir keeps lines in the local convention: mbsync turns
		// CRLF into LF; it adds its own X-TUID field and changes nothing
		// else.
		if lf := strings.ReplaceAll(string(d), "\r\n", "\n"); !pulled[lf] {
			t.Errorf("archived post %d is not in the Maildir (CRLF as LF):\n%s", i+1, lf)
		}
	}
}
