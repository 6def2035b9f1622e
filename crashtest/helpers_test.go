package crashtest

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	_ "github.com/mattn/go-sqlite3"

	"groupd/groups"
	"groupd/internal/testkit"
)

// points is the number of kill points per workload.
func points(t *testing.T) int {
	if v, err := strconv.Atoi(os.Getenv("CRASH_POINTS")); err == nil && v > 0 {
		return v
	}
	if testing.Short() {
		return 5
	}
	return 20
}

// newRand is the test's random source, seeded from CRASH_SEED or the clock
// (logged, so that a failure can be replayed).
func newRand(t *testing.T) *rand.Rand {
	seed, err := strconv.ParseUint(os.Getenv("CRASH_SEED"), 10, 64)
	if err != nil {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("CRASH_SEED=%d", seed)
	return rand.New(rand.NewPCG(seed, seed))
}

// groupdBin is the binary TestMain builds once for every test.
var groupdBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "crashtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	groupdBin = filepath.Join(dir, "groupd")
	if out, err := exec.Command("go", "build", "-o", groupdBin, "groupd").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build groupd: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildGroupd returns the groupd binary built by TestMain.
func buildGroupd(t *testing.T) string { return groupdBin }

// env is one data_dir and config that daemons are started on in turn.
type env struct {
	t       *testing.T
	bin     string
	dir     string // data_dir
	cfg     string // config file
	relay   *sink
	http    string // addresses of the running daemon
	smtp    string
	token   string
	proc    *exec.Cmd
	stderr  *bytes.Buffer
	crashes int
}

func newEnv(t *testing.T, bin string, relay *sink) *env {
	t.Helper()
	root := t.TempDir()
	e := &env{t: t, bin: bin, dir: filepath.Join(root, "data"), cfg: filepath.Join(root, "groupd.toml"), relay: relay}
	conf := fmt.Sprintf(`data_dir = %q
shutdown_timeout = "2s"
log_level = "info"
[mail]
relay = %q
[listen]
smtp = "127.0.0.1:0"
submission = ""
imap = ""
http = "127.0.0.1:0"
`, e.dir, relay.addr)
	if err := os.WriteFile(e.cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.kill() })
	return e
}

var listeningRE = regexp.MustCompile(`msg=listening component=(\w+) addr=(\S+)`)

// start runs the daemon and waits until HTTP and SMTP listen.
func (e *env) start() {
	e.t.Helper()
	e.stderr = &bytes.Buffer{}
	var mu sync.Mutex
	e.proc = exec.Command(e.bin, "-config", e.cfg)
	e.proc.Stderr = lockedWriter{&mu, e.stderr}
	if err := e.proc.Start(); err != nil {
		e.t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		logs := e.stderr.String()
		mu.Unlock()
		for _, m := range listeningRE.FindAllStringSubmatch(logs, -1) {
			switch m[1] {
			case "http":
				e.http = m[2]
			case "smtp":
				e.smtp = m[2]
			}
		}
		if strings.Count(logs, "msg=listening") >= 2 && e.http != "" && e.smtp != "" {
			break
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("groupd did not start:\n%s", logs)
		}
	}
	if e.token == "" {
		b, err := os.ReadFile(filepath.Join(e.dir, "admin-token"))
		if err != nil {
			e.t.Fatal(err)
		}
		e.token = strings.TrimSpace(string(b))
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// kill sends SIGKILL and reaps the daemon.
func (e *env) kill() {
	if e.proc == nil {
		return
	}
	e.proc.Process.Signal(syscall.SIGKILL)
	e.proc.Wait()
	e.proc = nil
	e.crashes++
}

// api sends a request as the admin, or as user (password "password1"),
// and returns the status (0 when the daemon did not answer).
func (e *env) api(method, path, user, body string) int {
	req, err := http.NewRequest(method, "http://"+e.http+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, "password1")
	} else {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// mustAPI is api that fails the test unless the status is want.
func (e *env) mustAPI(method, path, user, body string, want int) {
	e.t.Helper()
	if got := e.api(method, path, user, body); got != want {
		e.t.Fatalf("%s %s: %d, want %d\n%s", method, path, got, want, e.stderr)
	}
}

// post sends one message through the daemon's inbound SMTP; nil means
// the server answered 250 to DATA.
func (e *env) post(from, to, id, body string) error {
	msg := "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + id + "\r\nMessage-ID: <" + id + ">\r\n\r\n" + body + "\r\n"
	c, err := gosmtp.Dial(e.smtp)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.SendMail(from, []string{to}, strings.NewReader(msg))
}

// db opens the data_dir's database as a restarted daemon would (WAL
// recovery included).
func (e *env) db() *sql.DB {
	e.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(e.dir, "groupd.db")+"?_foreign_keys=on&_busy_timeout=5000")
	if err != nil {
		e.t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// checkStore opens the store as a restart does (migration, blob trash
// sweep) and returns its integrity and blob problems as violations.
func (e *env) checkStore() []string {
	e.t.Helper()
	st, err := groups.Open(testkit.StoreOptions(groups.Options{Path: filepath.Join(e.dir, "groupd.db"), BlobDir: filepath.Join(e.dir, "blobs"),
		MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"}}))
	if err != nil {
		return []string{"open after crash: " + err.Error()}
	}
	defer st.Close()
	rep, err := st.Check(e.t.Context())
	if err != nil {
		return []string{"check: " + err.Error()}
	}
	var v []string
	if rep.Integrity != "ok" {
		v = append(v, "integrity_check: "+rep.Integrity)
	}
	if rep.ForeignKeys > 0 {
		v = append(v, fmt.Sprintf("%d foreign key violations", rep.ForeignKeys))
	}
	for _, m := range rep.Missing {
		v = append(v, "missing blob "+m)
	}
	for _, o := range rep.Orphans {
		v = append(v, "orphan blob "+o)
	}
	return v
}

// sink is an SMTP relay on loopback recording what it accepts, per
// Message-ID and recipient; delay (plus a random part of spread) slows
// each transaction down so that a kill lands in the middle of a fan-out.
type sink struct {
	addr     string
	delay    time.Duration
	spread   time.Duration
	mu       sync.Mutex
	got      map[string]map[string]int // message-id -> rcpt -> copies
	sessions int                       // open sessions (EHLO to close)
}

func newSink(t *testing.T, delay time.Duration) *sink {
	t.Helper()
	return newSpreadSink(t, delay, 0)
}

// newSpreadSink is a sink whose transactions each take delay plus a
// random duration below spread, so that they end one by one instead of
// in waves.
func newSpreadSink(t *testing.T, delay, spread time.Duration) *sink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{addr: ln.Addr().String(), delay: delay, spread: spread, got: map[string]map[string]int{}}
	srv := gosmtp.NewServer(s)
	srv.Domain = "relay.test"
	srv.ErrorLog = log.New(io.Discard, "", 0) // the daemon's kills reset connections
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *sink) NewSession(*gosmtp.Conn) (gosmtp.Session, error) {
	s.mu.Lock()
	s.sessions++
	s.mu.Unlock()
	return &sinkSession{s: s}, nil
}

// settle waits (limit at most) until every session has ended: after a
// kill, until the relay has recorded all it will of the dead daemon's
// transactions (a transaction whose body was read before the kill is
// recorded after its delay).
func (s *sink) settle(limit time.Duration) bool {
	for deadline := time.Now().Add(limit); ; time.Sleep(5 * time.Millisecond) {
		s.mu.Lock()
		n := s.sessions
		s.mu.Unlock()
		if n == 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// totals is how many copies the relay received in all, and how many of
// them were a recipient's second or later copy of a message.
func (s *sink) totals() (copies, dups int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rc := range s.got {
		for _, n := range rc {
			copies += n
			dups += n - 1
		}
	}
	return copies, dups
}

// roundCopies is how many copies of fan-out round r's posts (Message-IDs
// f<r>-*) the relay received.
func (s *sink) roundCopies(r int) int {
	prefix := fmt.Sprintf("f%d-", r)
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, rc := range s.got {
		if strings.HasPrefix(id, prefix) {
			for _, c := range rc {
				n += c
			}
		}
	}
	return n
}

// copies is how many copies of id rcpt received.
func (s *sink) copies(id, rcpt string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[id][rcpt]
}

type sinkSession struct {
	s      *sink
	rcpts  []string
	logout sync.Once
}

func (x *sinkSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (x *sinkSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	x.rcpts = append(x.rcpts, strings.ToLower(to))
	return nil
}
func (x *sinkSession) Reset() { x.rcpts = nil }
func (x *sinkSession) Logout() error {
	x.logout.Do(func() {
		x.s.mu.Lock()
		x.s.sessions--
		x.s.mu.Unlock()
	})
	return nil
}

var msgIDRE = regexp.MustCompile(`(?im)^Message-ID:\s*<([^>]*)>`)

func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	d := x.s.delay
	if x.s.spread > 0 {
		d += rand.N(x.s.spread)
	}
	time.Sleep(d)
	m := msgIDRE.FindSubmatch(b)
	if m == nil {
		return nil
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	id := string(m[1])
	if x.s.got[id] == nil {
		x.s.got[id] = map[string]int{}
	}
	for _, r := range x.rcpts {
		x.s.got[id][r]++
	}
	return nil
}
