package imap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// needTool skips when a third-party client is missing, unless CI is set.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not installed", name)
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
out["list"] = [b.decode() for b in boxes]
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

func TestPythonImaplib(t *testing.T) {
	t.Parallel()
	py := needTool(t, "python3")
	e := newEnv(t)
	e.post(t, "team", message("Lunch", "bananas again"))
	uid2 := e.post(t, "team", message("Budget", "numbers"))
	host, port, _ := net.SplitHostPort(e.addr)
	script := filepath.Join(t.TempDir(), "client.py")
	if err := os.WriteFile(script, []byte(imaplibScript), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, script, host, port, "bob@example.test", password).CombinedOutput()
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
	wantList := []string{`(\HasNoChildren) "/" INBOX`, `(\Noselect \HasChildren) "/" "Groups"`, `(\HasNoChildren) "/" "Groups/Team"`}
	if got.Login != "OK" || fmt.Sprint(got.List) != fmt.Sprint(wantList) || got.Exists != 2 {
		t.Errorf("login %s, list %q, exists %d", got.Login, got.List, got.Exists)
	}
	if fmt.Sprint(got.Search) != "[1]" || fmt.Sprint(got.UIDs) != fmt.Sprintf("[1 %d]", uid2) {
		t.Errorf("search %v, uids %v", got.Search, got.UIDs)
	}
	msgs, err := e.store.ImapMessages(bg(), userActor("bob@example.test"), "team", imapQueryAll())
	if err != nil || !bytes.Equal([]byte(got.Body), msgs[0].Data) {
		t.Errorf("imaplib body differs from the archive: %q (%v)", got.Body, err)
	}
	if got.Append != "NO" {
		t.Errorf("APPEND answered %s", got.Append)
	}
}

func TestMbsyncPullsGroupMailbox(t *testing.T) {
	t.Parallel()
	mbsync := needTool(t, "mbsync")
	e := newEnv(t)
	for i := 0; i < 7; i++ {
		e.post(t, "team", message(fmt.Sprintf("post %d", i), "body"))
	}
	host, port, _ := net.SplitHostPort(e.addr)
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
`, host, port, password, dir, dir)
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(mbsync, "-c", conf, "team")
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mbsync: %v\n%s", err, out)
	}
	var n int
	for _, sub := range []string{"cur", "new"} {
		files, _ := os.ReadDir(filepath.Join(dir, "mail", "team", sub))
		n += len(files)
	}
	if n != 7 {
		t.Errorf("mbsync pulled %d messages, want 7\n%s", n, out)
	}
}
