package groups

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"groupd/internal/listaddr"
	"groupd/internal/testdb"
)

// TestBackupRefusedOnPostgres: on PostgreSQL, Backup says to use pg_dump.
func TestBackupRefusedOnPostgres(t *testing.T) {
	if !testdb.Postgres() {
		t.Skip("PostgreSQL only: set " + testdb.Env)
	}
	s := newStore(t)
	_, err := s.Backup(context.Background(), filepath.Join(t.TempDir(), "snap"))
	if err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("Backup on PostgreSQL: %v, want an error naming pg_dump", err)
	}
}

// putFile writes data at p in team's folder as alice.
func putFile(t *testing.T, s *Store, p string, data []byte) {
	t.Helper()
	ctx := context.Background()
	f, err := s.OpenFolder(ctx, user("alice@example.test"), "team", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	up, err := f.BeginUpload(ctx, p, filepath.Join(filepath.Dir(s.opts.Path), "tmp"))
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

// backupFixture is on SQLite whatever GROUPD_TEST_POSTGRES says: Backup
// copies the SQLite file (on PostgreSQL it refuses, see
// TestBackupRefusedOnPostgres).
func backupFixture(t *testing.T) *Store {
	t.Helper()
	s, err := Open(dbOptions(testdb.SQLite(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	addUsers(t, s, "alice@example.test")
	mustGroup(t, s, user("alice@example.test"), GroupSpec{ID: str("team"), Name: str("Team")})
	putFile(t, s, "a.txt", []byte("first version"))
	putFile(t, s, "a.txt", []byte("second version")) // the first goes to the trash
	putFile(t, s, "b.txt", []byte("bee"))
	return s
}

// A backup holds a database copy that passes its checks and exactly the
// blobs it references, with their bytes.
func TestBackupSnapshot(t *testing.T) {
	t.Parallel()
	s := backupFixture(t)
	dir := filepath.Join(t.TempDir(), "snap")
	info, err := s.Backup(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Blobs) != 2 || info.Bytes != int64(len("second version")+len("bee")) {
		t.Fatalf("backup holds %v (%d bytes)", info.Blobs, info.Bytes)
	}
	for _, n := range info.Blobs {
		a, _ := os.ReadFile(s.BlobPath(n))
		b, err := os.ReadFile(filepath.Join(dir, BackupBlobDir, n))
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("blob %s differs in the backup: %v", n, err)
		}
	}
	c, err := Open(Options{Addresses: listaddr.Grammar{}, Notices: loadNotices, Path: info.DB, BlobDir: filepath.Join(dir, BackupBlobDir),
		MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rep, err := c.Check(context.Background())
	if err != nil || !rep.OK() || rep.Blobs != 2 || len(rep.Orphans) != 0 {
		t.Fatalf("check of the copy: %+v %v", rep, err)
	}
	if _, err := s.Backup(context.Background(), dir); err == nil {
		t.Fatalf("a backup into an existing directory was not refused")
	}
}

// A referenced blob lost from disk makes the backup fail, naming it, and
// Check report it.
func TestBackupMissingBlob(t *testing.T) {
	t.Parallel()
	s := backupFixture(t)
	rep, err := s.Check(context.Background())
	if err != nil || !rep.OK() {
		t.Fatalf("check before: %+v %v", rep, err)
	}
	used, _ := s.usedBlobs(context.Background())
	var lost string
	for n := range used {
		if _, err := os.Stat(s.BlobPath(n)); err == nil {
			lost = n
			break
		}
	}
	os.Remove(s.BlobPath(lost))
	_, err = s.Backup(context.Background(), filepath.Join(t.TempDir(), "snap"))
	if err == nil || !strings.Contains(err.Error(), lost) || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("backup with %s lost: %v", lost, err)
	}
	rep, _ = s.Check(context.Background())
	if rep.OK() || len(rep.Missing) != 1 || rep.Missing[0] != lost {
		t.Fatalf("check after the loss: %+v", rep)
	}
	os.WriteFile(filepath.Join(s.opts.BlobDir, strings.Repeat("ab", 16)), []byte("x"), 0o600)
	if rep, _ = s.Check(context.Background()); len(rep.Orphans) != 1 {
		t.Fatalf("orphan not reported: %+v", rep)
	}
}

// A backup holds the blobs of note attachments and their thumbnails too,
// and its check counts them as referenced, not as orphans.
func TestBackupHoldsAttachments(t *testing.T) {
	t.Parallel()
	s := backupFixture(t)
	ctx, alice := context.Background(), user("alice@example.test")
	n, err := s.CreateNote(ctx, alice, "team", NoteSpec{Title: str("Photos")})
	if err != nil {
		t.Fatal(err)
	}
	up, err := s.BeginAttachment(ctx, alice, "team", n.ID, "p.png", AttachLimits{MaxBytes: 1 << 20, DefaultQuota: 1 << 30, TempDir: t.TempDir()})
	if err == nil {
		_, err = up.ReadFrom(bytes.NewReader(testPNG(t, 50, 50)))
	}
	if err == nil {
		_, err = up.Commit(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "snap")
	info, err := s.Backup(ctx, dir)
	if err != nil || len(info.Blobs) != 4 {
		t.Fatalf("backup: %+v %v, want the 2 files, the image and its thumbnail", info, err)
	}
	c, err := Open(Options{Addresses: listaddr.Grammar{}, Notices: loadNotices, Path: info.DB, BlobDir: filepath.Join(dir, BackupBlobDir),
		MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if rep, err := c.Check(ctx); err != nil || !rep.OK() || rep.Blobs != 4 || len(rep.Orphans) != 0 {
		t.Fatalf("check of the copy: %+v %v", rep, err)
	}
}
