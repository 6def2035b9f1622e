package caldav

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"groupd/config"
	"groupd/groups"
	"groupd/internal/groupdproc"
	"groupd/internal/testdb"
	"groupd/internal/testkit"
)

// TestRecurrenceBudget is issue 16's first finding through the groupd
// binary: one object of 200 VEVENTs sharing a UID, each
// RRULE:FREQ=SECONDLY;COUNT=10000000. Its PUT is refused (403
// CALDAV:max-instances). Stored as before the limits (through the store,
// with the daemon stopped), with a variant whose rule must be walked
// from its start in another group, it costs each time-range
// calendar-query and 24-hour free-busy-query less than a second, and the
// daemon's resident memory (VmRSS) grows by less than 64 MiB over them
// all. The query finds the attack where it has instances; the
// free-busy-query over its first day, a million busy seconds, answers
// 507 with DAV:number-of-matches-within-limits; past its budget the
// walking variant is left out of a 207 marked the same way.
func TestRecurrenceBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the groupd binary")
	}
	bin, err := groupdproc.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	p := runBinary(t, bin, root)
	for _, u := range []string{"alice@example.test", "bob@example.test"} {
		if _, err := p.API("POST", "/api/v1/users", map[string]any{"email": u, "name": "x", "password": pw}, 201); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []string{"team", "crew"} {
		p.send(t, 201, "POST", "/api/v1/groups", "alice@example.test", "application/json",
			`{"id":"`+g+`","name":"`+g+`","members":["bob@example.test"]}`)
	}
	p.send(t, 201, "PUT", events+"calm.ics", "bob@example.test", "text/calendar",
		ics(event("calm", "DTSTART:20260601T100000Z", "DTEND:20260601T110000Z", "SUMMARY:Calm")))

	attack := attackObject(200)
	if b := p.send(t, 403, "PUT", events+"attack.ics", "bob@example.test", "text/calendar", attack); !strings.Contains(b, "max-instances") {
		t.Fatalf("the attack's PUT: %s", b)
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	storeBefore(t, p.DataDir, "team", "attack.ics", "attack", attack)
	storeBefore(t, p.DataDir, "crew", "walk.ics", "walk", walkingObject(200))
	p = runBinary(t, bin, root)

	rss := watchRSS(t, p.Cmd.Process.Pid)
	p.send(t, 207, "REPORT", events, "bob@example.test", "application/xml", rangeQuery("20260601T000000Z", "20260602T000000Z"))
	base := rss.now()
	const crew = "/dav/calendars/crew/events/"
	cases := []struct {
		name, coll, body string
		code             int
		want, not        string
	}{
		{"query, the day it starts", events, rangeQuery("20260601T000000Z", "20260602T000000Z"), 207, "attack.ics", "507"},
		{"query, a day of August", events, rangeQuery("20260801T000000Z", "20260802T000000Z"), 207, "attack.ics", "calm.ics"},
		{"query, a day after it ends", events, rangeQuery("20261201T000000Z", "20261202T000000Z"), 207, "", "attack.ics"},
		{"query, the year", events, rangeQuery("20260101T000000Z", "20270101T000000Z"), 207, "calm.ics", "507"},
		{"free-busy, the day it starts", events, freeBusy("20260601T000000Z", "20260602T000000Z"), 507, "number-of-matches-within-limits", ""},
		{"free-busy, a day after it ends", events, freeBusy("20261201T000000Z", "20261202T000000Z"), 200, "BEGIN:VFREEBUSY", "FREEBUSY;"},
		{"walking, query, the day it starts", crew, rangeQuery("20260601T000000Z", "20260602T000000Z"), 207, "walk.ics", "507"},
		{"walking, query, a day of August", crew, rangeQuery("20260801T000000Z", "20260802T000000Z"), 207,
			"<d:error><d:number-of-matches-within-limits/></d:error>", "walk.ics"},
		{"walking, free-busy, a day of August", crew, freeBusy("20260801T000000Z", "20260802T000000Z"), 507, "number-of-matches-within-limits", ""},
	}
	for _, tc := range cases {
		began := time.Now()
		b := p.send(t, tc.code, "REPORT", tc.coll, "bob@example.test", "application/xml", tc.body)
		took := time.Since(began)
		t.Logf("%s: %d bytes in %v", tc.name, len(b), took)
		if took > time.Second || !strings.Contains(b, tc.want) || tc.not != "" && strings.Contains(b, tc.not) {
			t.Errorf("%s: %v: %.400s", tc.name, took, b)
		}
	}
	peak := rss.stop()
	t.Logf("VmRSS %d MiB before the queries, %d MiB at most during them", base>>20, peak>>20)
	if peak-base >= 64<<20 {
		t.Errorf("VmRSS grew by %d MiB", (peak-base)>>20)
	}
}

// attackObject is the audit's object: n VEVENTs sharing one UID, each
// every second ten million times from 1 June 2026.
func attackObject(n int) string {
	var comps []string
	for i := range n {
		comps = append(comps, event("attack", "DTSTART:20260601T000000Z", "SUMMARY:Attack "+strconv.Itoa(i),
			"RRULE:FREQ=SECONDLY;COUNT=10000000"))
	}
	return ics(comps...)
}

// walkingObject is the attack with a rule that cannot be moved to the
// range asked for (a COUNT and a BYHOUR): each query walks it from its
// start, until the budget stops it.
func walkingObject(n int) string {
	var comps []string
	for i := range n {
		comps = append(comps, event("walk", "DTSTART:20260601T000000Z", "SUMMARY:Walk "+strconv.Itoa(i),
			"RRULE:FREQ=SECONDLY;COUNT=10000000;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23"))
	}
	return ics(comps...)
}

// storeBefore stores an object as the store did before the PUT limits,
// into a stopped daemon's data_dir.
func storeBefore(t *testing.T, dataDir, group, name, uid, body string) {
	t.Helper()
	cfg := config.Defaults()
	// The daemon's database: data_dir's file, or its PostgreSQL one
	// (testdb.For of the run's root, data_dir's parent).
	db := testdb.For(t, filepath.Dir(dataDir))
	s, err := groups.Open(testkit.StoreOptions(groups.Options{Driver: db.Driver, DSN: db.DSN,
		Path: filepath.Join(dataDir, "groupd.db"), BlobDir: filepath.Join(dataDir, "blobs"),
		MailDomains: cfg.Mail.Domains, InternalDomains: cfg.Mail.InternalDomains}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	c, err := s.Calendar(ctx, groups.Actor{Email: "bob@example.test"}, group, groups.FeatureEvent)
	if err == nil {
		_, _, err = c.Put(ctx, groups.CalPut{Name: name, UID: uid, Data: body, First: math.MinInt64, Last: math.MaxInt64})
	}
	if err != nil {
		t.Fatal(err)
	}
}

// binary is the groupd binary running with HTTP on a loopback port.
type binary struct{ *groupdproc.Proc }

func runBinary(t *testing.T, bin, root string) *binary {
	t.Helper()
	p, err := groupdproc.Start(groupdproc.Options{Bin: bin, Root: root, Relay: "127.0.0.1:9", Listen: []string{"http"},
		DSN: testdb.For(t, root).DSN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return &binary{p}
}

// send makes a request as user and fails the test unless it is answered
// with code; it returns the answer's body.
func (p *binary) send(t *testing.T, code int, method, path, user, ctype, body string) string {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+p.Addr("http")+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, pw)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Depth", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != code {
		t.Fatalf("%s %s: %d, want %d: %.400s", method, path, resp.StatusCode, code, b)
	}
	return string(b)
}

func rangeQuery(start, end string) string {
	return `<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
<c:time-range start="` + start + `" end="` + end + `"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`
}

func freeBusy(start, end string) string {
	return `<?xml version="1.0"?><c:free-busy-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:time-range start="` +
		start + `" end="` + end + `"/></c:free-busy-query>`
}

// rssWatch samples a process's VmRSS every 10 ms and keeps the highest.
type rssWatch struct {
	pid  int
	mu   sync.Mutex
	peak int64
	done chan struct{}
	wg   sync.WaitGroup
}

func watchRSS(t *testing.T, pid int) *rssWatch {
	w := &rssWatch{pid: pid, done: make(chan struct{})}
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
func (w *rssWatch) now() int64 {
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
func (w *rssWatch) stop() int64 {
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
