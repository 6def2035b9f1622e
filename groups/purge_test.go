package groups

import (
	"context"
	"testing"
	"time"
)

// seedData gives group id one row of every feature, and a blob in the
// BlobStore.
func seedData(t *testing.T, s *Store, a Actor, id string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.CreateNote(ctx, a, id, NoteSpec{Title: str("n")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArchiveMessage(ctx, id, time.Now(), "<m@x>", []byte("Subject: hi\r\n\r\nbody\r\n")); err != nil {
		t.Fatal(err)
	}
	blob := "blob-" + id
	putBlob(t, s, blob, "contents")
	_, err := s.wdb.Exec(`INSERT INTO cal_objects (gid, feature, name, uid, etag, data, modified)
		SELECT gid, 'event', 'e.ics', 'e1', 'x', 'BEGIN:VCALENDAR', 0 FROM groups WHERE id = ?`, id)
	if err == nil {
		_, err = s.wdb.Exec(`INSERT INTO cal_objects (gid, feature, name, uid, etag, data, modified)
		SELECT gid, 'task', 't.ics', 't1', 'x', 'BEGIN:VCALENDAR', 0 FROM groups WHERE id = ?`, id)
	}
	if err == nil {
		_, err = s.wdb.Exec(`INSERT INTO files (gid, path, size, blob, etag, created, modified)
		SELECT gid, 'a.txt', 8, ?, 'x', 0, 0 FROM groups WHERE id = ?`, blob, id)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// counts returns the rows per feature of group id.
func counts(t *testing.T, s *Store, id string) map[string]int {
	t.Helper()
	out := map[string]int{}
	q := map[string]string{
		FeatureNote:    `SELECT COUNT(*) FROM notes n JOIN groups g ON g.gid = n.gid WHERE g.id = ?`,
		FeatureMessage: `SELECT COUNT(*) FROM messages n JOIN groups g ON g.gid = n.gid WHERE g.id = ?`,
		FeatureEvent:   `SELECT COUNT(*) FROM cal_objects n JOIN groups g ON g.gid = n.gid WHERE g.id = ? AND feature = 'event'`,
		FeatureTask:    `SELECT COUNT(*) FROM cal_objects n JOIN groups g ON g.gid = n.gid WHERE g.id = ? AND feature = 'task'`,
		FeatureFolder:  `SELECT COUNT(*) FROM files n JOIN groups g ON g.gid = n.gid WHERE g.id = ?`,
	}
	for f, sql := range q {
		var n int
		if err := s.rdb.QueryRow(sql, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[f] = n
	}
	return out
}

func TestPurgeEmptiesOnlyNamedFeatures(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test")
	alice, bob := user("alice@example.test"), user("bob@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, alice, GroupSpec{Name: str("Team"), Members: []string{"bob@example.test"}})
	other := mustGroup(t, s, alice, GroupSpec{Name: str("Other")})
	seedData(t, s, alice, g.ID)
	seedData(t, s, alice, other.ID)

	wantErr(t, s.Purge(ctx, bob, g.ID, []string{FeatureNote}), ErrDenied)
	wantErr(t, s.Purge(ctx, alice, g.ID, []string{"chat"}), ErrInvalid)
	wantErr(t, s.Purge(ctx, alice, g.ID, nil), ErrInvalid)
	if err := s.Purge(ctx, alice, g.ID, []string{FeatureNote, FeatureFolder, FeatureTask}); err != nil {
		t.Fatal(err)
	}
	got := counts(t, s, g.ID)
	want := map[string]int{FeatureNote: 0, FeatureFolder: 0, FeatureTask: 0, FeatureMessage: 1, FeatureEvent: 1}
	for f, n := range want {
		if got[f] != n {
			t.Errorf("%s: %d rows, want %d", f, got[f], n)
		}
	}
	for f, n := range counts(t, s, other.ID) {
		if n != 1 {
			t.Errorf("other group's %s touched: %d", f, n)
		}
	}
	if hasBlob(t, s, "blob-"+g.ID) {
		t.Errorf("purged folder's blob still stored")
	}
	if !hasBlob(t, s, "blob-"+other.ID) {
		t.Errorf("other group's blob gone")
	}
}

func TestDeleteRemovesEverything(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test")
	alice, bob := user("alice@example.test"), user("bob@example.test")
	ctx := context.Background()
	g := mustGroup(t, s, alice, GroupSpec{Name: str("Team"), Members: []string{"bob@example.test"}})
	seedData(t, s, alice, g.ID)
	if err := s.SetProfile(ctx, alice, g.ID, tinyPNG(t)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.DeleteGroup(ctx, bob, g.ID), ErrDenied)
	if err := s.DeleteGroup(ctx, alice, g.ID); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"groups", "memberships", "notes", "messages", "cal_objects", "files", "profiles", "list_addresses"} {
		var n int
		s.rdb.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n)
		if n != 0 {
			t.Errorf("%s still has %d rows", table, n)
		}
	}
	if hasBlob(t, s, "blob-"+g.ID) {
		t.Errorf("blob still stored")
	}
	_, err := s.GroupByAddress(ctx, "team@lists.example.test")
	wantErr(t, err, ErrNotFound)
	_, err = s.GetGroup(ctx, alice, g.ID)
	wantErr(t, err, ErrNotFound)
	// The members were told (created, profile image changed and deleted
	// notices, notify on), two recipients each.
	var n int
	s.rdb.QueryRow(`SELECT COUNT(*) FROM outbound_rcpts`).Scan(&n)
	if n != 6 {
		t.Errorf("notification recipients queued: %d, want 6", n)
	}
}
