package limits

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/internal/groupdproc"
	"groupd/internal/testkit"
)

// The helpers of the memory tests (issue 16 finding 6): the groupd binary
// in a process of its own, so that its resident memory can be measured.

const bigSize = 24 << 20 // the audit's 24 MiB posts

var (
	buildOnce sync.Once
	buildDir  string
	builtBin  string
	buildErr  error
)

// TestMain removes the binary built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary builds groupd once for the package's tests.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "groupd-mem")
		if buildErr == nil {
			builtBin, buildErr = groupdproc.Build(buildDir)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// proc is the daemon, running with the usual cast (alice master and bob
// member of team, carol in no group) and a relay that keeps a checksum
// of the body of each message it is handed.
type proc struct {
	*groupdproc.Proc
	relay *capture
}

func startProc(t *testing.T, extra string) *proc {
	t.Helper()
	relay := &capture{}
	addr := testkit.ServeRelay(t, func(*gosmtp.Conn) (gosmtp.Session, error) { return &captureSession{c: relay}, nil })
	p, err := groupdproc.Start(groupdproc.Options{Bin: binary(t), Root: t.TempDir(), Relay: addr,
		Listen: []string{"http", "smtp", "imap"}, Extra: extra})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	for _, u := range []string{"alice@example.test", "bob@example.test", "carol@example.test"} {
		if _, err := p.API("POST", "/api/v1/users", map[string]any{"email": u, "name": u, "password": "password1"}, 201); err != nil {
			t.Fatal(err)
		}
	}
	req, _ := http.NewRequest("POST", "http://"+p.Addr("http")+"/api/v1/groups",
		strings.NewReader(`{"id":"team","name":"Team","members":["bob@example.test"],"mailing_list":{"send_restriction":"members"}}`))
	req.SetBasicAuth("alice@example.test", "password1")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("create team: %v %v", res, err)
	}
	res.Body.Close()
	return &proc{Proc: p, relay: relay}
}

// bigBody is a body of about n bytes of 76-character lines, different
// for each seed; its checksum is that of the bytes after the header.
func bigBody(n, seed int) []byte {
	var b bytes.Buffer
	b.Grow(n + 100)
	line := 0
	for b.Len() < n {
		fmt.Fprintf(&b, "%08d-%04d %s\r\n", line, seed, strings.Repeat("abcdefgh", 8)[:62])
		line++
	}
	return b.Bytes()
}

// message is a whole message from author with body.
func message(author, subject string, body []byte) []byte {
	head := "From: " + author + "\r\nTo: team@lists.example.test\r\nSubject: " + subject +
		"\r\nMessage-ID: <" + subject + "@example.test>\r\n\r\n"
	return append([]byte(head), body...)
}

// post sends msg over SMTP from envelope sender from to the team list and
// returns the answer to the final dot ("EOF" when the connection went);
// an answer before DATA's 354 is returned as is.
func post(t *testing.T, addr, from string, msg []byte) string {
	t.Helper()
	c := dial(t, addrOf(addr))
	c.c.SetDeadline(time.Now().Add(120 * time.Second))
	if g := c.read(); !strings.HasPrefix(g, "220") {
		return g
	}
	for _, cmd := range []string{"EHLO client.example", "MAIL FROM:<" + from + ">", "RCPT TO:<team@lists.example.test>"} {
		if got := c.send(cmd); !strings.HasPrefix(got, "250") {
			return got
		}
	}
	if got := c.send("DATA"); !strings.HasPrefix(got, "354") {
		return got
	}
	w := bufio.NewWriterSize(c.c, 64<<10)
	w.Write(msg) // lines never start with a dot
	w.WriteString(".\r\n")
	if err := w.Flush(); err != nil {
		return "EOF (" + err.Error() + ")"
	}
	got := c.read()
	c.c.Write([]byte("QUIT\r\n"))
	return got
}

// postAgain posts as a sending MTA does: again after a temporary
// refusal (452 4.3.1 or 421), for a minute at most.
func postAgain(t *testing.T, addr, from string, msg []byte) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		a := post(t, addr, from, msg)
		if !temporary(a) || time.Now().After(deadline) {
			return a
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// capture keeps, for each message the relay is handed, the checksum of
// its body (the bytes after the first blank line).
type capture struct {
	mu   sync.Mutex
	sums map[[32]byte]int
}

func (c *capture) count(sum [32]byte) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sums[sum]
}

type captureSession struct{ c *capture }

func (captureSession) Reset()                                 {}
func (captureSession) Logout() error                          { return nil }
func (captureSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (captureSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (s *captureSession) Data(r io.Reader) error {
	br := bufio.NewReader(r)
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			return err
		}
		if l == "\r\n" {
			break
		}
	}
	h := sha256.New()
	if _, err := io.Copy(h, br); err != nil {
		return err
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if s.c.sums == nil {
		s.c.sums = map[[32]byte]int{}
	}
	s.c.sums[sum]++
	return nil
}

// rss samples a process's VmRSS every 10 ms and keeps the highest.
type rss struct {
	pid  int
	mu   sync.Mutex
	peak int64
	done chan struct{}
	wg   sync.WaitGroup
}

func watchRSS(t *testing.T, pid int) *rss {
	w := &rss{pid: pid, done: make(chan struct{})}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		for {
			w.now()
			select {
			case <-w.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(func() { w.stop() })
	return w
}

// now reads VmRSS in bytes (0 if it cannot) and notes it.
func (w *rss) now() int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", w.pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	var kb int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.peak = max(w.peak, kb<<10)
	return kb << 10
}

// stop ends the sampling and returns the highest VmRSS seen.
func (w *rss) stop() int64 {
	select {
	case <-w.done:
	default:
		close(w.done)
	}
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak
}

// growth fails the test when the peak is 128 MiB or more above base.
func growth(t *testing.T, what string, base, peak int64) {
	t.Helper()
	t.Logf("%s: VmRSS %d MiB before, %d MiB at most (+%d MiB)", what, base>>20, peak>>20, (peak-base)>>20)
	if peak-base >= 128<<20 {
		t.Errorf("%s: VmRSS grew by %d MiB, want under 128", what, (peak-base)>>20)
	}
}
