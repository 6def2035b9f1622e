package main

import (
	"archive/tar"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/smtp"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/config"
	"groupd/daemon"
	"groupd/groups"
)

// TestBackupRestore backs up a running daemon holding users, a group, a
// note, an archived post and a folder file, restores the archive into a
// fresh data_dir and compares every table row and blob byte.
func TestBackupRestore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cfg, cfgFile := daemonConfig(t, sinkRelay(t))
	d := startTestDaemon(t, cfg)
	token := readToken(t, cfg.DataDir)
	api := apiClient{t: t, base: "http://" + d.Addr("http").String(), token: token}
	api.do("POST", "/api/v1/users", `{"email":"alice@example.test","name":"Alice","password":"password1"}`, 201)
	api.do("POST", "/api/v1/users", `{"email":"bob@example.test","name":"Bob","password":"password1"}`, 201)
	api.do("POST", "/api/v1/groups", `{"id":"team","name":"Team","masters":["alice@example.test"],"members":["bob@example.test"]}`, 201)
	alice := api
	alice.user = "alice@example.test"
	alice.do("POST", "/api/v1/groups/team/notes", `{"title":"Minutes","body":"We met."}`, 201)
	post := "From: alice@example.test\r\nTo: team@lists.example.test\r\nSubject: kept\r\nMessage-ID: <kept@example.test>\r\n\r\nKeep this.\r\n"
	if err := smtp.SendMail(d.Addr("smtp").String(), nil, "alice@example.test", []string{"team@lists.example.test"}, []byte(post)); err != nil {
		t.Fatalf("post: %v", err)
	}
	blob := []byte(strings.Repeat("file bytes ", 1000))
	uploadFile(t, cfg, "report.txt", blob)
	live := filepath.Join(cfg.DataDir, groups.BackupDBName)
	waitQuiet(t, live)

	archive := filepath.Join(t.TempDir(), "backup.tar.gz")
	if code := cmdBackup([]string{"-config", cfgFile, archive}); code != 0 {
		t.Fatalf("groupd backup exited %d", code)
	}
	restored := cfg
	restored.DataDir = filepath.Join(t.TempDir(), "restored")
	rep, err := restore(ctx, restored, archive, false)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if rep.Integrity != "ok" || rep.Blobs != 1 || len(rep.Missing)+len(rep.Orphans) != 0 {
		t.Fatalf("restored store: %+v", rep)
	}
	if a, b := dumpDB(t, live), dumpDB(t, filepath.Join(restored.DataDir, groups.BackupDBName)); !reflect.DeepEqual(a, b) {
		t.Fatalf("restored rows differ:\nlive     %v\nrestored %v", a, b)
	}
	for _, want := range []string{"Minutes", "Keep this.", "report.txt", "alice@example.test"} {
		if !strings.Contains(fmt.Sprint(dumpDB(t, live)), want) {
			t.Fatalf("the data set lacks %q: the comparison proves nothing", want)
		}
	}
	compareBlobs(t, filepath.Join(cfg.DataDir, "blobs"), filepath.Join(restored.DataDir, "blobs"))
	if a, b := readToken(t, cfg.DataDir), readToken(t, restored.DataDir); a != b {
		t.Fatalf("admin token not restored")
	}
}

// TestRestoreRefusesNonEmpty checks that restore leaves a data_dir with
// data alone unless -force, and that -force replaces it.
func TestRestoreRefusesNonEmpty(t *testing.T) {
	t.Parallel()
	cfg, cfgFile := daemonConfig(t, "127.0.0.1:1")
	d := startTestDaemon(t, cfg)
	api := apiClient{t: t, base: "http://" + d.Addr("http").String(), token: readToken(t, cfg.DataDir)}
	api.do("POST", "/api/v1/users", `{"email":"carol@example.test","name":"Carol","password":"password1"}`, 201)
	archive := filepath.Join(t.TempDir(), "backup.tar")
	if code := cmdBackup([]string{"-config", cfgFile, archive}); code != 0 {
		t.Fatalf("groupd backup exited %d", code)
	}
	other := cfg
	other.DataDir = filepath.Join(t.TempDir(), "other")
	os.MkdirAll(other.DataDir, 0o700)
	os.WriteFile(filepath.Join(other.DataDir, "groupd.db"), []byte("precious"), 0o600)
	if _, err := restore(t.Context(), other, archive, false); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("restore over data: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(other.DataDir, "groupd.db")); string(b) != "precious" {
		t.Fatalf("a refused restore changed the data_dir")
	}
	if _, err := restore(t.Context(), other, archive, true); err != nil {
		t.Fatalf("restore -force: %v", err)
	}
	if !strings.Contains(fmt.Sprint(dumpDB(t, filepath.Join(other.DataDir, "groupd.db"))), "carol@example.test") {
		t.Fatalf("restore -force did not bring carol back")
	}
}

// TestRestoreRefusesHostileArchive checks that entries leaving data_dir
// are refused.
func TestRestoreRefusesHostileArchive(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o700)
	os.WriteFile(filepath.Join(dir, "src", "x"), []byte("x"), 0o600)
	archive := filepath.Join(dir, "evil.tar")
	if err := writeArchive(filepath.Join(dir, "src"), archive); err != nil {
		t.Fatal(err)
	}
	if err := extract(archive, filepath.Join(dir, "data")); err == nil || !strings.Contains(err.Error(), "not a groupd backup") {
		t.Fatalf("archive without a database: %v", err)
	}
	f, _ := os.Create(filepath.Join(dir, "escape.tar"))
	f.Write(tarEntry("../escape", "boom"))
	f.Close()
	if err := extract(filepath.Join(dir, "escape.tar"), filepath.Join(dir, "data")); err == nil || !strings.Contains(err.Error(), "leaves") {
		t.Fatalf("archive escaping data_dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "escape")); err == nil {
		t.Fatalf("a file was written outside data_dir")
	}
}

// daemonConfig is a config on loopback (HTTP and inbound SMTP on free
// ports) with data in a temp dir, also written as a TOML file. Its
// database is SQLite's whatever GROUPD_TEST_POSTGRES says: backup and
// restore copy the SQLite file (on PostgreSQL they refuse and point to
// pg_dump: TestBackupRefusedOnPostgres).
func daemonConfig(t *testing.T, relay string) (config.Config, string) {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Defaults()
	cfg.DataDir = filepath.Join(dir, "data")
	cfg.Mail.Relay = relay
	cfg.Listen = config.Listen{HTTP: "127.0.0.1:0", SMTP: "127.0.0.1:0"}
	file := filepath.Join(dir, "groupd.toml")
	writeFile(t, file, fmt.Sprintf("data_dir = %q\n[mail]\nrelay = %q\n", cfg.DataDir, relay))
	return cfg, file
}

func startTestDaemon(t *testing.T, cfg config.Config) *daemon.Daemon {
	t.Helper()
	d, err := daemon.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		d.Shutdown(ctx)
	})
	return d
}

func readToken(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "admin-token"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

type apiClient struct {
	t           *testing.T
	base, token string
	user        string // when set, Basic auth with "password1"
}

func (c apiClient) do(method, path, body string, want int) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if c.user != "" {
		req.SetBasicAuth(c.user, "password1")
	} else {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
}

// uploadFile puts a file into team's folder through a second store on the
// daemon's database, as alice.
func uploadFile(t *testing.T, cfg config.Config, name string, data []byte) {
	t.Helper()
	st, err := openStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := t.Context()
	u, err := st.Authenticate(ctx, "alice@example.test", "password1")
	if err != nil {
		t.Fatal(err)
	}
	f, err := st.OpenFolder(ctx, groups.UserActor(u), "team", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	up, err := f.BeginUpload(ctx, name, filepath.Join(cfg.DataDir, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := up.ReadFrom(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if _, err := up.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// waitQuiet waits until the outbound queue has nothing left to send, so
// that the daemon writes nothing more.
func waitQuiet(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var queued, sent int
		db.QueryRow(`SELECT count(*) FILTER (WHERE state = 'queued') + (SELECT count(*) FROM outbound_bundles),
			count(*) FILTER (WHERE state = 'sent') FROM outbound_rcpts`).Scan(&queued, &sent)
		if queued == 0 && sent > 0 {
			time.Sleep(200 * time.Millisecond)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the queue did not drain: %d queued", queued)
		}
	}
}

// dumpDB is every row of every table, in rowid order, as text.
func dumpDB(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string][]string{}
	for _, tb := range tables {
		out[tb] = dumpTable(t, db, tb)
	}
	return out
}

func dumpTable(t *testing.T, db *sql.DB, table string) []string {
	rows, err := db.Query(`SELECT * FROM "` + table + `"`)
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rows.Scan(ptrs...)
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out = append(out, fmt.Sprint(vals...))
	}
	return out
}

// compareBlobs checks that every blob of a is in b with the same bytes.
func compareBlobs(t *testing.T, a, b string) {
	t.Helper()
	ents, _ := os.ReadDir(a)
	n := 0
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		x, _ := os.ReadFile(filepath.Join(a, e.Name()))
		y, err := os.ReadFile(filepath.Join(b, e.Name()))
		if err != nil || string(x) != string(y) {
			t.Fatalf("blob %s: restored copy differs (%v)", e.Name(), err)
		}
		n++
	}
	if n == 0 {
		t.Fatalf("no blob to compare in %s", a)
	}
}

// sinkRelay is an SMTP relay on loopback that accepts every message.
func sinkRelay(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := gosmtp.NewServer(sinkBackend{})
	s.Domain = "relay.test"
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return ln.Addr().String()
}

type sinkBackend struct{}

func (sinkBackend) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return sinkSession{}, nil }

type sinkSession struct{}

func (sinkSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (sinkSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (sinkSession) Data(r io.Reader) error                 { _, err := io.Copy(io.Discard, r); return err }
func (sinkSession) Reset()                                 {}
func (sinkSession) Logout() error                          { return nil }

// tarEntry is a tar holding one file called name.
func tarEntry(name, body string) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg})
	tw.Write([]byte(body))
	tw.Close()
	return b.Bytes()
}

// TestBackupRefusedOnPostgres: with [database] driver "postgres", backup
// and restore touch nothing and say to use pg_dump and pg_restore.
func TestBackupRefusedOnPostgres(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Database = config.Database{Driver: config.DriverPostgres, DSN: "host=/nonexistent dbname=groupd"}
	archive := filepath.Join(t.TempDir(), "b.tar")
	if _, err := backup(context.Background(), cfg, archive); err == nil || !strings.Contains(err.Error(), "pg_dump") ||
		!strings.Contains(err.Error(), "the dump covers everything") {
		t.Fatalf("backup on PostgreSQL: %v", err)
	}
	fsBlobs := cfg
	fsBlobs.Database.Blobs = config.BlobsFS
	if _, err := backup(context.Background(), fsBlobs, archive); err == nil || !strings.Contains(err.Error(), "copy data_dir (blobs/") {
		t.Fatalf("backup on PostgreSQL with the fs blob store: %v", err)
	}
	if _, err := os.Stat(archive); err == nil {
		t.Fatal("backup on PostgreSQL wrote an archive")
	}
	if _, err := restore(context.Background(), cfg, archive, false); err == nil || !strings.Contains(err.Error(), "pg_restore") {
		t.Fatalf("restore on PostgreSQL: %v", err)
	}
}
