package imap

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"

	goimap "github.com/emersion/go-imap/v2"

	"groupd/groups"
)

// trickyPosts are posts whose ENVELOPE and BODYSTRUCTURE exercise every
// field of the stored records: RFC 2047 words, dates with offsets or
// none, empty and group address lists, attachments with disposition,
// language, location, ID and description, message/rfc822 parts, nested
// multiparts and malformed MIME.
func trickyPosts() []string {
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	return []string{
		string(benchPost(7)),
		crlf(`From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <j@example.test>, "Doe, Jane" <jane@example.test>
Sender: 
Reply-To: a@example.test, b@example.test
To: undisclosed-recipients:;
Cc: Team: x@example.test, y@example.test;, z@example.test
Subject: =?UTF-8?B?7ZWc6rWt7Ja0IOygnOuqqQ==?= and =?ISO-8859-1?Q?caf=E9?=
Date: Tue, 3 Feb 2026 07:08:09 -0800 (PST)
Message-ID: <rfc2047@example.test>
In-Reply-To: <a@example.test> <b@example.test>

Body.
`),
		crlf(`From: Alice <alice@example.test>
Subject: report
Date: Mon, 02 Jan 2006 15:04:05 +0530
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XX"; charset=utf-8
Content-Language: en, ko
Content-Location: http://example.test/m

preamble
--XX
Content-Type: multipart/alternative; boundary=YY

--YY
Content-Type: text/plain; charset=utf-8; format=flowed
Content-Transfer-Encoding: quoted-printable

caf=C3=A9 text
--YY
Content-Type: text/html; charset=utf-8

<p>html</p>
--YY--
--XX
Content-Type: application/pdf; name="report.pdf"
Content-Transfer-Encoding: BASE64
Content-Disposition: attachment; filename="=?utf-8?q?r=C3=A9port.pdf?="; size=12
Content-ID: <part2@example.test>
Content-Description: The report
Content-Language: fr
Content-Location: report.pdf
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==

JVBERi0xLjQK
--XX
Content-Type: message/rfc822
Content-Disposition: inline

From: Bob <bob@example.test>
Subject: =?utf-8?q?forwarded_=F0=9F=99=82?=
Date: Sun, 01 Feb 2026 00:00:00 +1400
Content-Type: multipart/mixed; boundary=ZZ

--ZZ
Content-Type: text/plain

inner
--ZZ
Content-Type: image/png
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--ZZ--
--XX--
epilogue
`),
		crlf(`From: broken
Subject: no boundary
Date: yesterday
Content-Type: multipart/mixed

--what
Content-Type: text/plain

x
`),
		crlf(`Subject: unclosed
Content-Type: multipart/related; boundary="Q"; type="text/html"

--Q
Content-Type: text/

half
--Q
Content-Type: ;;;
Content-Disposition: attachment; filename*=UTF-8''%e2%82%ac%20rates.txt

rates
`),
		"Subject: only LF\nFrom: lf@example.test\nContent-Type: text/plain; charset=us-ascii\n\nline one\nline two\n",
		"Subject: header only, no blank line\r\nFrom: h@example.test",
		crlf(`Content-Type: message/rfc822

not a message at all`),
	}
}

// rawSync is a client's first sync of team at addr, as the server writes
// it: UID FETCH 1:* (UID ENVELOPE BODY BODYSTRUCTURE).
func rawSync(t *testing.T, e *env, addr string) string {
	t.Helper()
	other := *e
	other.addr = addr
	r := other.raw(t)
	r.send("a LOGIN bob@example.test " + password + "\r\n")
	r.until("a OK")
	r.send("b EXAMINE Groups/Team\r\n")
	r.until("b OK")
	r.send("c UID FETCH 1:* (UID ENVELOPE BODY BODYSTRUCTURE)\r\n")
	var out strings.Builder
	for {
		l := r.line()
		if strings.HasPrefix(l, "c ") {
			if !strings.HasPrefix(l, "c OK") {
				t.Fatalf("fetch: %s", l)
			}
			return out.String()
		}
		out.WriteString(l + "\n")
	}
}

// sqlDB opens e's database beside the store, to change what no store
// method changes.
func (e *env) sqlDB(t *testing.T) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite3", e.db.Path
	if e.db.DSN != "" {
		driver, dsn = "pgx", e.db.DSN
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// exec runs q with up to two arguments, in the dialect's placeholders.
func (e *env) exec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if e.db.DSN != "" {
		q = strings.Replace(q, "?", "$1", 1)
		q = strings.Replace(q, "?", "$2", 1)
	}
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// A sync answered from the stored records is byte for byte the one
// answered by parsing the posts, cold and warm: for every tricky post,
// with the records written by the index worker (as for posts archived
// before records were kept).
func TestStoredParseAnswersAsParsing(t *testing.T) {
	e := newEnv(t)
	posts := trickyPosts()
	for _, p := range posts {
		e.post(t, "team", []byte(p))
	}
	db := e.sqlDB(t)
	e.exec(t, db, `DELETE FROM imap_parsed`)
	_, addr := serve(t, e.store)
	parsed := rawSync(t, e, addr)
	if n := strings.Count(parsed, "BODYSTRUCTURE ("); n != len(posts) {
		t.Fatalf("%d structures in\n%s", n, parsed)
	}
	e.exec(t, db, `INSERT INTO imap_text_todo (mid) SELECT mid FROM messages`)
	e.index(t)
	recs, err := e.store.ImapParsedRecords(context.Background(), groups.Actor{Email: "bob@example.test"}, "team", groups.ImapQuery{Min: 1})
	if err != nil || len(recs) != len(posts) {
		t.Fatalf("%d records for %d posts: %v", len(recs), len(posts), err)
	}
	_, addr = serve(t, e.store)
	if stored := rawSync(t, e, addr); stored != parsed {
		t.Fatalf("from the records:\n%s\nparsed:\n%s", stored, parsed)
	}
	if warm := rawSync(t, e, addr); warm != parsed {
		t.Fatalf("warm:\n%s\nparsed:\n%s", warm, parsed)
	}
}

// A server started cold answers a sync from the stored records without
// reading the posts: a post whose bytes were changed in the database
// since is still described as it was archived. A record of another
// format version is not used: that post is parsed, as it now reads.
func TestColdSyncReadsRecordsNotPosts(t *testing.T) {
	e := newEnv(t)
	for _, s := range []string{"first", "second", "third"} {
		e.post(t, "team", message(s, "text"))
	}
	db := e.sqlDB(t)
	tampered := "From: x@example.test\r\nSubject: tampered\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n"
	e.exec(t, db, `UPDATE messages SET data = ?, size = ?`, []byte(tampered), len(tampered))
	e.exec(t, db, `UPDATE imap_parsed SET envelope = ?, structure = ? WHERE mid = (SELECT mid FROM messages WHERE uid = 2)`,
		[]byte{parsedVersion + 1}, []byte{parsedVersion + 1})
	_, addr := serve(t, e.store)
	other := *e
	other.addr = addr
	c := other.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	msgs, err := c.Fetch(goimap.UIDSetNum(1, 2, 3), &goimap.FetchOptions{UID: true, Envelope: true,
		BodyStructure: &goimap.FetchItemBodyStructure{Extended: true}}).Collect()
	if err != nil || len(msgs) != 3 {
		t.Fatalf("fetch: %d messages, %v", len(msgs), err)
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.Envelope.Subject+" "+m.BodyStructure.MediaType())
	}
	if want := "first text/plain,tampered text/html,third text/plain"; strings.Join(got, ",") != want {
		t.Fatalf("got %q, want %q", strings.Join(got, ","), want)
	}
}

// A record decodes to what was encoded; a record cut short, or of
// another version, is refused without a panic (the post is parsed).
func TestParsedRecordsRefuseDamage(t *testing.T) {
	for i, p := range trickyPosts() {
		env, bs := envelope([]byte(p)), parseStructure([]byte(p))
		er, br := encodeEnvelope(env), encodeStructure(bs)
		env2, err := decodeEnvelope(er)
		if err != nil || !bytes.Equal(encodeEnvelope(env2), er) {
			t.Fatalf("post %d: envelope %+v, %v", i, env2, err)
		}
		bs2, err := decodeStructure(br)
		if err != nil || !bytes.Equal(encodeStructure(bs2), br) {
			t.Fatalf("post %d: structure %+v, %v", i, bs2, err)
		}
		for n := range len(er) {
			if _, err := decodeEnvelope(er[:n]); err == nil {
				t.Fatalf("post %d: envelope cut at %d decoded", i, n)
			}
			decodeStructure(er[:n]) // the wrong kind: no panic
		}
		for n := range len(br) {
			if _, err := decodeStructure(br[:n]); err == nil {
				t.Fatalf("post %d: structure cut at %d decoded", i, n)
			}
			decodeEnvelope(br[:n])
		}
		for _, rec := range [][]byte{er, br} {
			other := append([]byte{parsedVersion + 1}, rec[1:]...)
			if _, err := decodeEnvelope(other); err == nil {
				t.Fatalf("post %d: a record of version %d decoded", i, other[0])
			}
			if _, err := decodeStructure(other); err == nil {
				t.Fatalf("post %d: a record of version %d decoded", i, other[0])
			}
		}
	}
}

// A cold FETCH of scattered messages, one without a record, reads the
// records of their UID range but takes only those of the messages asked
// for: the one without is parsed, not mistaken for known because a
// message between them has a record.
func TestColdSparseFetchParsesWhatLacksARecord(t *testing.T) {
	e := newEnv(t)
	for _, s := range []string{"first", "second", "third"} {
		e.post(t, "team", message(s, "text"))
	}
	e.exec(t, e.sqlDB(t), `DELETE FROM imap_parsed WHERE mid = (SELECT mid FROM messages WHERE uid = 3)`)
	_, addr := serve(t, e.store)
	cold := *e
	cold.addr = addr
	c := cold.login(t, "bob@example.test")
	mustSelect(t, c, "Groups/Team")
	msgs, err := c.Fetch(goimap.UIDSetNum(1, 3), &goimap.FetchOptions{UID: true, Envelope: true,
		BodyStructure: &goimap.FetchItemBodyStructure{Extended: true}}).Collect()
	if err != nil || len(msgs) != 2 {
		t.Fatalf("fetch: %d messages, %v", len(msgs), err)
	}
	for i, want := range []string{"first", "third"} {
		if m := msgs[i]; m.Envelope == nil || m.Envelope.Subject != want || m.BodyStructure == nil ||
			m.BodyStructure.MediaType() != "text/plain" {
			t.Fatalf("message %d: %+v", i+1, m)
		}
	}
}
