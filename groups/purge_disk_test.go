package groups

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"groupd/internal/listaddr"
)

// TestPurgedNoteLeavesNoTrace: after a purge of notes, the note's text is
// in no file under the data directory (as grep -a would find it), while
// the store is still open, as in a running daemon.
func TestPurgedNoteLeavesNoTrace(t *testing.T) {
	s, dir := newStoreInDir(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false)})
	marker := uniqueMarker(t)
	writeNote(t, s, alice, "team", marker)
	if len(filesHolding(t, dir, marker)) == 0 {
		t.Fatal("the note is in no file under the data directory: the test looks in the wrong place")
	}
	if err := s.Purge(context.Background(), alice, "team", []string{FeatureNote}); err != nil {
		t.Fatal(err)
	}
	if f := filesHolding(t, dir, marker); len(f) > 0 {
		t.Errorf("the purged note's text is still in %v", f)
	}
}

// TestDeletedGroupLeavesNoTrace: after a group is deleted, neither its
// notes' text nor its folder's file contents are in any file under the
// data directory, and its blob files are gone.
func TestDeletedGroupLeavesNoTrace(t *testing.T) {
	s, dir := newStoreInDir(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	mustGroup(t, s, alice, GroupSpec{ID: str("team"), Name: str("Team"), Notify: boolp(false)})
	note, file := uniqueMarker(t), uniqueMarker(t)
	writeNote(t, s, alice, "team", note)
	f, err := s.OpenFolder(ctx, alice, "team", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.BeginUpload(ctx, "plans.txt", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.ReadFrom(strings.NewReader("the plans: " + file + "\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if len(filesHolding(t, dir, file)) == 0 {
		t.Fatal("the uploaded file is in no file under the data directory: the test looks in the wrong place")
	}
	if err := s.DeleteGroup(ctx, alice, "team"); err != nil {
		t.Fatal(err)
	}
	for what, m := range map[string]string{"note": note, "folder file": file} {
		if got := filesHolding(t, dir, m); len(got) > 0 {
			t.Errorf("the deleted group's %s is still in %v", what, got)
		}
	}
	blobs, err := os.ReadDir(filepath.Join(dir, "blobs"))
	if err != nil || len(blobs) != 0 {
		t.Errorf("blob directory after the deletion: %v %v, want empty", blobs, err)
	}
}

// newStoreInDir opens a store whose database and blobs are in a fresh
// directory, the data_dir of a daemon. It is SQLite's whatever
// GROUPD_TEST_POSTGRES says: these tests read the files of data_dir,
// which hold the database only with SQLite.
func newStoreInDir(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(Options{Addresses: listaddr.Grammar{}, Notices: loadNotices, Path: filepath.Join(dir, "groupd.db"), MailDomains: []string{"lists.example.test"},
		InternalDomains: []string{"example.test"}, HashParams: cheap()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func uniqueMarker(t *testing.T) string {
	t.Helper()
	b := make([]byte, 12)
	rand.Read(b)
	return "marker-" + hex.EncodeToString(b)
}

// writeNote creates a note whose title and body hold marker.
func writeNote(t *testing.T, s *Store, a Actor, id, marker string) {
	t.Helper()
	body := strings.Repeat("secret minutes "+marker+"\n", 20)
	if _, err := s.CreateNote(context.Background(), a, id, NoteSpec{Title: str(marker), Body: &body}); err != nil {
		t.Fatal(err)
	}
}

// filesHolding lists the files under dir whose bytes contain s.
func filesHolding(t *testing.T, dir, s string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(s)) {
			out = append(out, filepath.Base(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
