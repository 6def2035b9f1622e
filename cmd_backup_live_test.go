package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"groupd/config"
	"groupd/groups"
)

// TestBackupUnderWrites backs up while notes are being created through
// the API and a folder file is overwritten again and again (each version a
// new blob, the old one swept): the restore must pass its checks, hold
// every referenced blob, and hold a prefix of the acknowledged notes.
func TestBackupUnderWrites(t *testing.T) {
	t.Parallel()
	cfg, cfgFile := daemonConfig(t, "127.0.0.1:1")
	d := startTestDaemon(t, cfg)
	api := apiClient{t: t, base: "http://" + d.Addr("http").String(), token: readToken(t, cfg.DataDir)}
	api.do("POST", "/api/v1/users", `{"email":"alice@example.test","name":"Alice","password":"password1"}`, 201)
	api.do("POST", "/api/v1/groups", `{"id":"team","name":"Team","masters":["alice@example.test"],"notify":false}`, 201)
	alice := api
	alice.user = "alice@example.test"

	folder := aliceFolder(t, cfg)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var notes, files atomic.Int64
	wg.Add(2)
	go func() { // notes n0000, n0001, ... each acknowledged before the next
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			alice.do("POST", "/api/v1/groups/team/notes", fmt.Sprintf(`{"title":"n%04d","body":"b"}`, i), 201)
			notes.Add(1)
		}
	}()
	go func() { // one file, rewritten: old blobs go to the trash and away
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			up, err := folder.BeginUpload(t.Context(), "churn.txt", filepath.Join(cfg.DataDir, "tmp"))
			if err == nil {
				_, err = up.ReadFrom(bytes.NewReader(bytes.Repeat([]byte{byte(i)}, 4096)))
			}
			if err == nil {
				_, err = up.Commit(t.Context())
			}
			if err != nil {
				t.Errorf("upload: %v", err)
				return
			}
			files.Add(1)
		}
	}()
	for notes.Load() < 10 || files.Load() < 5 {
		time.Sleep(10 * time.Millisecond)
	}
	var archives []string
	for i := 0; i < 3; i++ {
		a := filepath.Join(t.TempDir(), "b.tar")
		if code := cmdBackup([]string{"-config", cfgFile, a}); code != 0 {
			t.Fatalf("groupd backup exited %d", code)
		}
		archives = append(archives, a)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d notes and %d file versions written meanwhile", notes.Load(), files.Load())
	for _, a := range archives {
		r := cfg
		r.DataDir = filepath.Join(t.TempDir(), "restored")
		rep, err := restore(t.Context(), r, a, false)
		if err != nil || rep.Blobs != 1 {
			t.Fatalf("restore %s: %+v %v", a, rep, err)
		}
		notes := dumpDB(t, filepath.Join(r.DataDir, groups.BackupDBName))["notes"]
		if len(notes) < 10 {
			t.Fatalf("restore %s: %d notes, at least 10 were acknowledged before", a, len(notes))
		}
		for i, n := range notes {
			if !strings.Contains(n, fmt.Sprintf("n%04d", i)) {
				t.Fatalf("restored notes are not a prefix of those acknowledged: #%d is %s", i, n)
			}
		}
		t.Logf("%s: %d notes, %d blobs", filepath.Base(a), len(notes), rep.Blobs)
	}
}

// aliceFolder is team's folder as alice, through a second store on the
// daemon's database (closed when the test ends).
func aliceFolder(t *testing.T, cfg config.Config) *groups.Folder {
	t.Helper()
	st, err := openStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	u, err := st.Authenticate(t.Context(), "alice@example.test", "password1")
	if err != nil {
		t.Fatal(err)
	}
	f, err := st.OpenFolder(t.Context(), groups.UserActor(u), "team", 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
