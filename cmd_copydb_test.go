package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"groupd/config"
	"groupd/internal/testdb"
)

// TestCopyDBServesTheSame: a SQLite deployment (users, a group with a
// member, a note with an attachment, a post, a folder file) is stopped and copied with
// copy-db into an empty PostgreSQL database; a daemon on that database,
// with an empty data_dir of its own, answers the API and WebDAV requests
// with the same JSON, bytes and ETag. The DSN's password is never
// printed, and a second copy into the now full database is refused.
func TestCopyDBServesTheSame(t *testing.T) {
	if !testdb.Postgres() {
		t.Skip("needs PostgreSQL: set " + testdb.Env)
	}
	cfg, _ := daemonConfig(t, sinkRelay(t))
	d := startTestDaemon(t, cfg)
	api := apiClient{t: t, base: "http://" + d.Addr("http").String(), token: readToken(t, cfg.DataDir)}
	api.do("POST", "/api/v1/users", `{"email":"alice@example.test","name":"Alice","password":"password1"}`, 201)
	api.do("POST", "/api/v1/users", `{"email":"bob@example.test","name":"Bob","password":"password1"}`, 201)
	api.do("POST", "/api/v1/groups", `{"id":"team","name":"Team","masters":["alice@example.test"],"members":["bob@example.test"]}`, 201)
	alice := api
	alice.user = "alice@example.test"
	alice.do("POST", "/api/v1/groups/team/notes", `{"title":"Minutes","body":"We met."}`, 201)
	alice.do("POST", "/api/v1/groups/team/notes/1/attachments?name=minutes.txt", "the minutes, attached", 201)
	uploadFile(t, cfg, "report.bin", bytes.Repeat([]byte("0123456789"), 300000)) // 3 MB: several chunks
	want := served(t, api.base)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	target := config.Database{Driver: config.DriverPostgres, DSN: testdb.New(t).DSN + " password=Secret99", Blobs: config.BlobsPostgres}
	var out bytes.Buffer
	if err := copyDB(ctx, cfg, target, &out); err != nil {
		t.Fatalf("copy-db: %v\n%s", err, out.String())
	}
	if s := out.String(); !strings.Contains(s, "copied and verified") || strings.Contains(s, "Secret99") {
		t.Fatalf("copy-db said:\n%s", s)
	}
	err := copyDB(ctx, cfg, target, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not empty") || strings.Contains(err.Error(), "Secret99") {
		t.Fatalf("copy-db into a full database: %v", err)
	}

	pg := cfg
	pg.DataDir = t.TempDir() // nothing of the SQLite deployment's disk
	pg.Database = target
	d2 := startTestDaemon(t, pg)
	if got := served(t, "http://"+d2.Addr("http").String()); got != want {
		t.Fatalf("on PostgreSQL:\n%s\nwant (SQLite):\n%s", got, want)
	}
}

// served is what alice is answered for the group, its members, its notes
// and the folder file (status, ETag and bytes).
func served(t *testing.T, base string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{"/api/v1/groups/team", "/api/v1/groups/team/members", "/api/v1/groups/team/notes",
		"/api/v1/groups/team/notes/1/attachments/1", "/dav/files/team/report.bin"} {
		req, _ := http.NewRequest("GET", base+p, nil)
		req.SetBasicAuth("alice@example.test", "password1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		b.WriteString(p + " " + res.Status + " " + res.Header.Get("ETag") + "\n" + string(body) + "\n")
	}
	return b.String()
}
