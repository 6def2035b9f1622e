package webdav

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"groupd/internal/groupdproc"
	"groupd/internal/testdb"
)

// proc is the groupd binary running on a data_dir (groupdproc).
type proc struct{ *groupdproc.Proc }

// buildGroupd builds the daemon's binary.
func buildGroupd(t *testing.T) string {
	t.Helper()
	bin, err := groupdproc.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// runGroupd starts the binary with its config and data under root, HTTP
// on a free loopback port and the mail listeners off, and waits until it
// listens; the process is killed when the test ends.
func runGroupd(t *testing.T, bin, root string) *proc {
	t.Helper()
	p, err := groupdproc.Start(groupdproc.Options{Bin: bin, Root: root, Relay: "127.0.0.1:9", Listen: []string{"http"},
		DSN: testdb.For(t, root).DSN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return &proc{p}
}

// do sends a request as user with the password, or with the admin token
// when user is "".
func (p *proc) do(t *testing.T, method, path, user, token string, body io.Reader, n int64) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+p.Addr("http")+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = n
	if user != "" {
		req.SetBasicAuth(user, pw)
	} else {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return http.DefaultClient.Do(req)
}

// must sends a request that must be answered with code.
func (p *proc) must(t *testing.T, code int, method, path, user, token, body string) string {
	t.Helper()
	resp, err := p.do(t, method, path, user, token, strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != code {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, code, b)
	}
	return string(b)
}

// zeros yields n zero bytes; once a fifth is out it closes reached and
// then slows down, to be killed meanwhile.
type zeros struct {
	n, done int64
	reached chan struct{}
}

func (z *zeros) Read(p []byte) (int, error) {
	if z.done >= z.n {
		return 0, io.EOF
	}
	if z.done >= z.n/5 && z.reached != nil {
		close(z.reached)
		z.reached = nil
		time.Sleep(time.Second)
	}
	k := int(min(int64(len(p)), z.n-z.done))
	clear(p[:k])
	z.done += int64(k)
	return k, nil
}
