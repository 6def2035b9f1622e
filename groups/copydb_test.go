package groups

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"groupd/internal/testdb"
)

// copyFixture is what fillDeployment wrote and what the copy must serve.
type copyFixture struct {
	session, appPass string
}

// fillDeployment gives a SQLite store every kind of data: users, groups,
// memberships, a join request, archived posts with IMAP flags, calendar objects with a
// change log, folder files (one across several chunks) with dead
// properties and a lock, notes with attachments (an image, its
// thumbnail, a PDF), an app password and a session.
func fillDeployment(t *testing.T, s *Store) copyFixture {
	t.Helper()
	ctx, alice, bob := context.Background(), user("alice@example.test"), user("bob@example.test")
	addUsers(t, s, "alice@example.test", "bob@example.test", "carol@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team"), Members: []string{"bob@example.test"}})
	mustGroup(t, s, alice, GroupSpec{ID: str("gone"), Name: str("Gone")})
	if err := s.DeleteGroup(ctx, alice, "gone"); err != nil { // its id stays retired
		t.Fatal(err)
	}
	if err := s.JoinRequest(ctx, "team@lists.example.test", JoinMail{Address: "eve@other.example", Subject: "hi", Text: "let me in", Verified: true}); err != nil {
		t.Fatal(err) // a join request waiting (and its rate row)
	}
	for i, subj := range []string{"one", "two", "three"} {
		n := i * 1000
		if i == 2 {
			n = 5 << 19 // 2.5 MiB: archived in pieces (archive_pieces.go)
		}
		msg := "Subject: " + subj + "\r\nMessage-ID: <" + subj + "@x>\r\n\r\nbody " + strings.Repeat("x", n) + "\r\n"
		if _, err := s.ArchiveMessage(ctx, "team", time.Unix(1700000000+int64(i), 0), "<"+subj+"@x>", []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ImapStoreFlags(ctx, bob, "team", []uint32{1, 3}, setFlags(`\Seen`, `\Flagged`, "$Work")); err != nil {
		t.Fatal(err)
	}
	cal, err := s.Calendar(ctx, alice, "team", FeatureEvent)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b", "a"} {
		data := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:" + n + "\r\nSUMMARY:" + n + time.Now().String() + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		if _, _, err := cal.Put(ctx, CalPut{Name: n + ".ics", UID: n, Data: data, First: 0, Last: 1 << 40}); err != nil {
			t.Fatal(err)
		}
	}
	if err := cal.Delete(ctx, "b.ics", ""); err != nil {
		t.Fatal(err)
	}
	f, err := s.OpenFolder(ctx, alice, "team", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Mkdir(ctx, "docs"); err != nil {
		t.Fatal(err)
	}
	upload(t, f, "docs/a.txt", "hello")
	upload(t, f, "big.bin", strings.Repeat("0123456789abcdef", 3<<16+5)) // 3 MiB and 80 bytes
	upload(t, f, "empty", "")
	if err := f.PatchProps(ctx, "docs/a.txt", []PropPatch{{Props: []Prop{{Space: "urn:x", Local: "color", Inner: "red"}}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.CreateLock(ctx, Lock{Path: "big.bin", Creator: "alice@example.test", Timeout: time.Hour}); err != nil {
		t.Fatal(err)
	}
	n, err := s.CreateNote(ctx, alice, "team", NoteSpec{Title: str("Minutes"), Body: str("We met.")})
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string][]byte{"board.png": testPNG(t, 40, 30), "minutes.pdf": []byte("%PDF-1.4")} {
		up, err := s.BeginAttachment(ctx, alice, "team", n.ID, name, AttachLimits{MaxBytes: 1 << 20, DefaultQuota: 1 << 30, TempDir: t.TempDir()})
		if err == nil {
			_, err = up.ReadFrom(bytes.NewReader(body))
		}
		if err == nil {
			_, err = up.Commit(ctx)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	ap, err := s.CreateAppPassword(ctx, alice, "alice@example.test", "phone")
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Login(ctx, LoginRequest{Email: "alice@example.test", Password: "password1"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.CreateSession(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return copyFixture{session: tok, appPass: ap.Password}
}

func upload(t *testing.T, f *Folder, p, body string) {
	t.Helper()
	up, err := f.BeginUpload(context.Background(), p, t.TempDir())
	if err == nil {
		_, err = up.ReadFrom(strings.NewReader(body))
	}
	if err == nil {
		_, err = up.Commit(context.Background())
	}
	if err != nil {
		t.Fatal(err)
	}
}

// answers is what a store tells its clients, as JSON: groups and
// members (the API's), IMAP UIDs and flags, CalDAV ETags and the sync
// token with its changes, WebDAV bytes, ETags, properties and locks,
// notes, app passwords.
func answers(t *testing.T, s *Store) string {
	t.Helper()
	ctx, alice, bob := context.Background(), user("alice@example.test"), user("bob@example.test")
	out := map[string]any{}
	put := func(k string, v any, err error) {
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		out[k] = v
	}
	g, err := s.GetGroup(ctx, alice, "team")
	put("group", g, err)
	m, err := s.Members(ctx, alice, "team")
	put("members", m, err)
	jr, err := s.ListJoinRequests(ctx, alice, "team")
	put("join requests", jr, err)
	mb, err := s.ImapOpen(ctx, bob, "team")
	put("mailbox", mb, err)
	msgs, err := s.ImapMessages(ctx, bob, "team", ImapQuery{Min: 1, Data: ImapFullData})
	put("messages", msgs, err)
	parsed, err := s.ImapParsedRecords(ctx, bob, "team", ImapQuery{Min: 1})
	put("parsed", parsed, err)
	cal, err := s.Calendar(ctx, alice, "team", FeatureEvent)
	put("calendar", cal != nil, err)
	objs, err := cal.List(ctx)
	put("events", objs, err)
	ch, tok, err := cal.Changes(ctx, 1)
	put("changes", []any{ch, tok}, err)
	f, err := s.OpenFolder(ctx, alice, "team", 1<<30)
	put("folder", f != nil, err)
	for _, p := range []string{"", "docs", "docs/a.txt", "big.bin", "empty"} {
		fi, err := f.Stat(ctx, p)
		put("stat "+p, fi, err)
		props, err := f.Props(ctx, p)
		put("props "+p, props, err)
		if !fi.IsDir {
			out["bytes "+p] = readFile(t, f, p)
		}
	}
	locks, err := f.Locks(ctx)
	put("locks", locks, err)
	notes, err := s.Notes(ctx, alice, "team")
	put("notes", notes, err)
	for _, n := range notes {
		for _, at := range n.Attachments {
			out["attachment "+at.Name] = readAttachment(t, s, n.ID, at.ID, false)
			if at.HasThumbnail {
				out["thumbnail "+at.Name] = readAttachment(t, s, n.ID, at.ID, true)
			}
		}
	}
	aps, err := s.AppPasswords(ctx, alice, "alice@example.test")
	put("app passwords", aps, err)
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// copy-db: a SQLite deployment with every kind of data, copied into an
// empty PostgreSQL database, serves the same answers there; ids go on
// after the copied ones; a second copy into the now full database is
// refused.
func TestCopyDatabase(t *testing.T) {
	if !testdb.Postgres() {
		t.Skip("needs PostgreSQL: set " + testdb.Env)
	}
	ctx := context.Background()
	from, to := dbOptions(testdb.SQLite(t)), dbOptions(testdb.New(t))
	from.ImapParse, to.ImapParse = fakeParse, fakeParse // imap_parsed has rows to copy
	src, err := Open(from)
	if err != nil {
		t.Fatal(err)
	}
	fx := fillDeployment(t, src)
	if n := countRows(t, src, `SELECT COUNT(*) FROM imap_parsed`); n == 0 {
		t.Fatal("no parse records to copy")
	}
	want := answers(t, src)
	src.Close()

	rep, err := CopyDatabase(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Blobs != 5 || rep.BlobBytes < 5+3<<20+80+8 || len(rep.Tables) < 20 {
		t.Fatalf("report: %d blobs, %d bytes, %d tables", rep.Blobs, rep.BlobBytes, len(rep.Tables))
	}
	dst, err := Open(to)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if got := answers(t, dst); got != want {
		t.Fatalf("PostgreSQL answers differently.\nSQLite:\n%s\nPostgreSQL:\n%s", want, got)
	}
	if _, err := dst.SessionByToken(ctx, fx.session, SessionLimits{}); err != nil {
		t.Errorf("the session did not survive the copy: %v", err)
	}
	if _, err := dst.Login(ctx, LoginRequest{Email: "alice@example.test", Password: fx.appPass}); err != nil {
		t.Errorf("the app password did not survive the copy: %v", err)
	}
	checkIdsContinue(t, dst)

	_, err = CopyDatabase(ctx, from, to)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a copy into a full database: %v", err)
	}
}

// checkIdsContinue: new rows on the copy take ids after the copied ones.
func checkIdsContinue(t *testing.T, s *Store) {
	t.Helper()
	ctx, alice := context.Background(), user("alice@example.test")
	mb, _ := s.ImapOpen(ctx, alice, "team")
	uid, err := s.ArchiveMessage(ctx, "team", time.Now(), "<four@x>", []byte("Subject: four\r\n\r\nx\r\n"))
	if err != nil || uid != int64(mb.UIDNext) {
		t.Errorf("a new post got UID %d (%v), want %d", uid, err, mb.UIDNext)
	}
	addUsers(t, s, "dave@example.test")
	g := mustGroup(t, s, alice, GroupSpec{ID: str("next"), Name: str("Next")})
	if g.ID != "next" {
		t.Errorf("new group %q", g.ID)
	}
	var gid, maxGone int64
	s.rdb.QueryRow(`SELECT gid FROM groups WHERE id = 'next'`).Scan(&gid)
	s.rdb.QueryRow(`SELECT COALESCE(MAX(gid), 0) FROM groups WHERE id <> 'next'`).Scan(&maxGone)
	if gid <= maxGone {
		t.Errorf("the new group's gid %d is not after the copied ones (highest %d)", gid, maxGone)
	}
	if _, err := s.CreateNote(ctx, alice, "team", NoteSpec{Title: str("Next")}); err != nil {
		t.Errorf("a new note: %v", err)
	}
}

// readAttachment is the bytes of a note's attachment (or thumbnail).
func readAttachment(t *testing.T, s *Store, nid, aid int64, thumb bool) string {
	t.Helper()
	_, r, err := s.OpenAttachment(context.Background(), user("alice@example.test"), "team", nid, aid, thumb)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
