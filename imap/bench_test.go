package imap

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
)

// benchPost is a realistic list post of about 2.5 KB: a dozen header
// fields, quoted-printable UTF-8 text.
func benchPost(i int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Return-Path: <member%d@example.test>\r\n", i%50)
	fmt.Fprintf(&b, "From: Member %d <member%d@example.test>\r\nTo: team@lists.example.test\r\n", i%50, i%50)
	fmt.Fprintf(&b, "Subject: Re: weekly planning, item %d\r\nDate: Mon, 02 Jan 2006 15:04:05 +0000\r\n", i)
	fmt.Fprintf(&b, "Message-ID: <bench-%d@example.test>\r\nIn-Reply-To: <bench-%d@example.test>\r\n", i, i/2)
	b.WriteString("List-Id: Team <team.lists.example.test>\r\nList-Post: <mailto:team@lists.example.test>\r\n")
	b.WriteString("Precedence: list\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	for j := 0; j < 30; j++ {
		fmt.Fprintf(&b, "Line %d of post %d: the quick brown fox jumps over the lazy dog, gr=C3=BC=C3=9Fe.\r\n", j, i)
	}
	return []byte(b.String())
}

func benchEnv(b *testing.B, n int, opts ...func(*Options)) *env {
	b.Helper()
	e := newEnv(b, opts...)
	start := time.Now()
	for i := 0; i < n; i++ {
		data := benchPost(i)
		if i == n/2 {
			data = []byte(strings.Replace(string(data), "lazy dog", "lazy dog xylophone", 1))
		}
		e.post(b, "team", data)
	}
	b.Logf("archived %d posts in %v", n, time.Since(start))
	start = time.Now()
	e.index(b)
	b.Logf("indexed them in %v", time.Since(start))
	return e
}

// BenchmarkFetchEnvelopeFlags10k is a client's first sync of a 10,000-post
// archive: UID FETCH 1:* (UID FLAGS ENVELOPE). Target: under 1 s. The
// first FETCH (envelopes not yet cached by the server) is logged apart.
func BenchmarkFetchEnvelopeFlags10k(b *testing.B) { benchFetch(b, 0) }

// BenchmarkFetchEnvelopeFlags10kNoCache is the same with the server's
// envelope cache off: every FETCH parses every header.
func BenchmarkFetchEnvelopeFlags10kNoCache(b *testing.B) { benchFetch(b, -1) }

// BenchmarkFetchSync10k is a client's repeated sync as issue 14 times it
// beside Dovecot: UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE).
func BenchmarkFetchSync10k(b *testing.B) {
	benchFetchItems(b, 0, &goimap.FetchOptions{UID: true, Flags: true, Envelope: true,
		BodyStructure: &goimap.FetchItemBodyStructure{Extended: true}})
}

// BenchmarkFetchSync10kCold is the same sync answered by a server whose
// caches are empty each time, as after a restart: what issue 14 times
// beside Dovecot building its index.
func BenchmarkFetchSync10kCold(b *testing.B) {
	e := benchEnv(b, 10000)
	benchSync(b, e, func() { e.srv.envs.clear(); e.srv.structs.clear() })
}

func benchFetch(b *testing.B, cache int) {
	benchFetchItems(b, cache, &goimap.FetchOptions{UID: true, Flags: true, Envelope: true})
}

func benchFetchItems(b *testing.B, cache int, items *goimap.FetchOptions) {
	e := benchEnv(b, 10000, func(o *Options) { o.EnvelopeCache = cache })
	benchFetchOn(b, e, items, func() {})
}

// benchSync times UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE) on e,
// calling before ahead of each.
func benchSync(b *testing.B, e *env, before func()) {
	benchFetchOn(b, e, &goimap.FetchOptions{UID: true, Flags: true, Envelope: true,
		BodyStructure: &goimap.FetchItemBodyStructure{Extended: true}}, before)
}

func benchFetchOn(b *testing.B, e *env, items *goimap.FetchOptions, before func()) {
	c := e.login(b, "bob@example.test")
	mustSelect(b, c, "Groups/Team")
	fetch := func() {
		msgs, err := c.Fetch(goimap.UIDSet{{Start: 1, Stop: 0}}, items).Collect()
		if err != nil || len(msgs) != 10000 {
			b.Fatalf("fetch: %d messages, %v", len(msgs), err)
		}
	}
	start := time.Now()
	fetch()
	b.Logf("first FETCH 1:* of 10,000 posts: %v", time.Since(start))
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		before()
		fetch()
	}
	reportCPU(b, cpu)
}

// cpuTime is the CPU time this process (client and server) has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds CPU ms per operation, a figure that a machine shared
// with other work disturbs less than the wall clock.
func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64(cpuTime()-since)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkSearchText10k is SEARCH TEXT over a 10,000-post archive, one
// hit. Target: under 200 ms.
func BenchmarkSearchText10k(b *testing.B) {
	e := benchEnv(b, 10000)
	c := e.login(b, "bob@example.test")
	mustSelect(b, c, "Groups/Team")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := c.Search(&goimap.SearchCriteria{Text: []string{"XYLOPHONE"}}, nil).Wait()
		if err != nil || len(res.AllSeqNums()) != 1 {
			b.Fatalf("search: %v %v", res, err)
		}
	}
}

// hostileSet is 1,3,5,…,9999: 5,000 disjoint ranges, a 27 KB line.
func hostileSet() goimap.SeqSet {
	var set goimap.SeqSet
	for i := uint32(1); i < 10000; i += 2 {
		set = append(set, goimap.SeqRange{Start: i, Stop: i})
	}
	return set
}

// BenchmarkHostileSets10k is a client sending SEARCH and FETCH FLAGS with
// a 5,000-range sequence set against a 10,000-post archive: resolving a
// set must cost about ranges·log + result, not ranges × mailbox size.
func BenchmarkHostileSets10k(b *testing.B) {
	e := benchEnv(b, 10000)
	c := e.login(b, "bob@example.test")
	mustSelect(b, c, "Groups/Team")
	set := hostileSet()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := c.Search(&goimap.SearchCriteria{SeqNum: []goimap.SeqSet{set}, NotFlag: []goimap.Flag{goimap.FlagFlagged}}, nil).Wait()
		if err != nil || len(res.AllSeqNums()) != 5000 {
			b.Fatalf("search: %d hits, %v", len(res.AllSeqNums()), err)
		}
		msgs, err := c.Fetch(set, &goimap.FetchOptions{Flags: true}).Collect()
		if err != nil || len(msgs) != 5000 {
			b.Fatalf("fetch: %d messages, %v", len(msgs), err)
		}
	}
}

// listedHeader is a post as the daemon archives it: its trace field and
// list fields ahead of the author's header.
const listedHeader = "Received: from localhost (127.0.0.1:48850)\r\n\tby lists.example.test (groupd) with ESMTP id 27c9891957f9\r\n" +
	"\tfor <team@lists.example.test>; Sun, 29 Nov 2026 05:05:54 +0000\r\n" +
	"List-Id: \"Team\" <team.lists.example.test>\r\nList-Post: <mailto:team@lists.example.test>\r\n" +
	"List-Owner: <mailto:team-owner@lists.example.test>\r\nList-Help: <mailto:team-owner@lists.example.test?subject=help>\r\n" +
	"List-Subscribe: <mailto:team-join@lists.example.test>\r\nList-Archive: <imap://lists.example.test/team>\r\n" +
	"Precedence: list\r\nX-Loop: team@lists.example.test\r\n" +
	"From: Alice <alice@example.test>\r\nTo: team@lists.example.test\r\nSubject: Re: weekly planning, item 42\r\n" +
	"Date: Mon, 02 Mar 2026 09:00:42 +0000\r\nMessage-ID: <bench-42@example.test>\r\nIn-Reply-To: <bench-21@example.test>\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"

// BenchmarkEnvelope is the parse of one archived post's ENVELOPE, what a
// client's first sync of an archive does once per post.
func BenchmarkEnvelope(b *testing.B) {
	data := []byte(listedHeader)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if env := envelope(data); env.Subject == "" || len(env.From) != 1 {
			b.Fatalf("envelope %+v", env)
		}
	}
}

// BenchmarkParsedRecord is what a cold sync does per post instead of
// reading and parsing it: decode its stored ENVELOPE and BODYSTRUCTURE
// (parsed.go). BenchmarkParsePost is the parse it replaces.
func BenchmarkParsedRecord(b *testing.B) {
	data := benchPost(42)
	env, bs := ParseForStore(data)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeEnvelope(env); err != nil {
			b.Fatal(err)
		}
		if _, err := decodeStructure(bs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(env)+len(bs)), "record-bytes")
}

func BenchmarkParsePost(b *testing.B) {
	data := benchPost(42)
	b.ReportAllocs()
	for b.Loop() {
		envelope(data)
		parseStructure(data)
	}
}
