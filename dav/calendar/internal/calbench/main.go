// Command calbench loads the same events into CalDAV servers and times
// the operations calendar clients repeat (issue 5 acceptance):
//
//	calbench -n 2000 -server groupd=URL,USER,PASS -server radicale=URL,,[,DIR]
//
// URL is a calendar collection; URL1|URL2 names the same collection on
// two nodes of one database: PUTs alternate between them, the queries go
// to the first. N events are written, 10% of them
// weekly-recurring without end: the first -puts sequentially (timed, PUT
// per event), the rest by 4 workers, or, when DIR (the collection's
// folder on disk) is given, as files written there (Radicale reads them
// as its own). Then, best of 5: a one-month calendar-query with data, a
// calendar-multiget of 200, PROPFIND Depth 1 (getetag), and
// sync-collection after 10 changes. It prints one line per operation with
// each server's milliseconds and the ratio of the second to the first.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

type server struct {
	name, url, user, pass, dir string
	puts                       []string // where PUT i goes: puts[i%len]
	res                        map[string]float64
}

type servers []*server

func (s *servers) String() string { return "" }
func (s *servers) Set(v string) error {
	name, rest, _ := strings.Cut(v, "=")
	f := append(strings.Split(rest, ","), "", "", "")
	sv := &server{name: name, user: f[1], pass: f[2], dir: f[3], res: map[string]float64{}}
	for _, u := range strings.Split(f[0], "|") {
		sv.puts = append(sv.puts, strings.TrimSuffix(u, "/")+"/")
	}
	sv.url = sv.puts[0]
	*s = append(*s, sv)
	return nil
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}

func main() {
	var ss servers
	n := flag.Int("n", 2000, "events")
	puts := flag.Int("puts", 200, "sequential, timed PUTs")
	flag.Var(&ss, "server", "name=URL,USER,PASS[,DIR] (repeatable)")
	flag.Parse()
	ops := []string{"PUT per event", "calendar-query (1 month)", "multiget of 200", "PROPFIND depth 1", "sync-collection after 10 changes"}
	for _, s := range ss {
		if err := s.run(*n, *puts, ops); err != nil {
			fmt.Fprintln(os.Stderr, s.name+":", err)
			os.Exit(1)
		}
	}
	floor, err := clientFloor()
	if err != nil {
		fmt.Fprintln(os.Stderr, "client floor:", err)
		os.Exit(1)
	}
	fmt.Printf("%d events (10%% weekly-recurring), milliseconds; this client's floor, a REPORT answered "+
		"at once by a stub on loopback: %.2f ms\n", *n, floor)
	fmt.Printf("%-34s", "operation")
	for _, s := range ss {
		fmt.Printf("%12s", s.name)
	}
	if len(ss) == 2 {
		fmt.Printf("%10s", "ratio")
	}
	fmt.Println()
	for _, op := range ops {
		fmt.Printf("%-34s", op)
		for _, s := range ss {
			fmt.Printf("%12.2f", s.res[op])
		}
		if len(ss) == 2 && ss[0].res[op] > 0 {
			fmt.Printf("%9.1fx", ss[1].res[op]/ss[0].res[op])
		}
		fmt.Println()
	}
}

func name(i int) string { return fmt.Sprintf("ev-%05d.ics", i) }

func ics(i int, summary string) string {
	start := time.Date(2025, 1, 1, 8+i%10, 0, 0, 0, time.UTC).AddDate(0, 0, i*7919%365)
	rrule := ""
	if i%10 == 0 {
		rrule = "RRULE:FREQ=WEEKLY\r\n"
	}
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//calbench//EN\r\nBEGIN:VEVENT\r\n" +
		fmt.Sprintf("UID:ev-%05d\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\n%sSUMMARY:%s %d\r\n",
			i, start.Format("20060102T150405Z"), start.Add(time.Hour).Format("20060102T150405Z"), rrule, summary, i) +
		"END:VEVENT\r\nEND:VCALENDAR\r\n"
}

func (s *server) do(method, url, body string, h map[string]string) (int, string, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if s.user != "" {
		req.SetBasicAuth(s.user, s.pass)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func (s *server) put(i int, summary string) error {
	code, body, err := s.do("PUT", s.puts[i%len(s.puts)]+name(i), ics(i, summary), map[string]string{"Content-Type": "text/calendar"})
	if err == nil && code/100 != 2 {
		err = fmt.Errorf("PUT %s: %d %.200s", name(i), code, body)
	}
	return err
}

func (s *server) load(n, puts int) error {
	t0 := time.Now()
	for i := 0; i < min(puts, n); i++ {
		if err := s.put(i, "Event"); err != nil {
			return err
		}
	}
	s.res["PUT per event"] = ms(time.Since(t0)) / float64(min(puts, n))
	if s.dir != "" {
		for i := puts; i < n; i++ {
			if err := os.WriteFile(filepath.Join(s.dir, name(i)), []byte(ics(i, "Event")), 0o644); err != nil {
				return err
			}
		}
		return nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := puts + w; i < n; i += 4 {
				if err := s.put(i, "Event"); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// best runs fn 5 times and returns the fastest in milliseconds.
func best(fn func() error) (float64, error) {
	b := -1.0
	for i := 0; i < 5; i++ {
		t0 := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		if d := ms(time.Since(t0)); b < 0 || d < b {
			b = d
		}
	}
	return b, nil
}

const xmlHdr = `<?xml version="1.0" encoding="utf-8"?>`

func (s *server) report(body string, want int) func() error {
	return func() error {
		code, resp, err := s.do("REPORT", s.url, xmlHdr+body, map[string]string{"Content-Type": "application/xml", "Depth": "1"})
		if err == nil && code != 207 {
			err = fmt.Errorf("REPORT: %d %.300s", code, resp)
		}
		if got := strings.Count(resp, "href>") / 2; err == nil && want >= 0 && got < want {
			err = fmt.Errorf("REPORT: %d responses, want %d", got, want)
		}
		return err
	}
}

var tokenRe = regexp.MustCompile(`sync-token>([^<]+)<`)

func (s *server) run(n, puts int, ops []string) error {
	if err := s.load(n, puts); err != nil {
		return err
	}
	query := `<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20250601T000000Z" end="20250701T000000Z"/>
</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`
	var hrefs strings.Builder
	for i := 0; i < min(200, n); i++ {
		hrefs.WriteString("<d:href>" + strings.TrimPrefix(s.url, s.url[:strings.Index(s.url[8:], "/")+8]) + name(i) + "</d:href>")
	}
	multiget := `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>` +
		hrefs.String() + `</c:calendar-multiget>`
	propfind := func() error {
		code, body, err := s.do("PROPFIND", s.url, xmlHdr+`<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:getcontenttype/></d:prop></d:propfind>`,
			map[string]string{"Content-Type": "application/xml", "Depth": "1"})
		if err == nil && (code != 207 || strings.Count(body, "href>")/2 < n) {
			err = fmt.Errorf("PROPFIND: %d, %d responses", code, strings.Count(body, "href>")/2)
		}
		return err
	}
	sync := func(token string) (string, error) {
		code, body, err := s.do("REPORT", s.url, xmlHdr+`<d:sync-collection xmlns:d="DAV:"><d:sync-token>`+token+
			`</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`,
			map[string]string{"Content-Type": "application/xml"})
		m := tokenRe.FindStringSubmatch(body)
		if err == nil && (code != 207 || m == nil) {
			err = fmt.Errorf("sync-collection: %d %.300s", code, body)
		}
		if err != nil {
			return "", err
		}
		return m[1], nil
	}
	// Warm caches (Radicale indexes files written behind its back).
	if err := propfind(); err != nil {
		return err
	}
	if err := s.report(query, 1)(); err != nil {
		return err
	}
	var err error
	if s.res[ops[1]], err = best(s.report(query, 1)); err != nil {
		return err
	}
	if s.res[ops[2]], err = best(s.report(multiget, min(200, n))); err != nil {
		return err
	}
	if s.res[ops[3]], err = best(propfind); err != nil {
		return err
	}
	token, err := sync("")
	if err != nil {
		return err
	}
	for i := 0; i < 10; i++ {
		if err := s.put(i*7, "Changed"); err != nil {
			return err
		}
	}
	s.res[ops[4]], err = best(func() error { _, err := sync(token); return err })
	return err
}

// clientFloor is the fastest of 5 REPORTs to a stub on loopback that
// answers an empty 207 at once: what this client itself costs per
// request, against which the servers' times are read (issue 14).
func clientFloor() (float64, error) {
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.WriteHeader(207)
		io.WriteString(w, xmlHdr+`<d:multistatus xmlns:d="DAV:"></d:multistatus>`)
	}))
	defer stub.Close()
	s := &server{name: "stub", url: stub.URL + "/", res: map[string]float64{}}
	return best(s.report(`<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"/>`, -1))
}
