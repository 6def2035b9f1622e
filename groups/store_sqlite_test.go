package groups

import (
	"context"
	"testing"
)

// TestSQLiteReadersMapTheFile: reader connections map the database file
// (PRAGMA mmap_size), so that a scan bigger than the page cache costs no
// pread per page; the writer keeps SQLite's default.
func TestSQLiteReadersMapTheFile(t *testing.T) {
	s := newStore(t)
	if s.d.pg {
		t.Skip("SQLite only")
	}
	ctx := context.Background()
	var r, w int64
	if err := s.rdb.QueryRowContext(ctx, `PRAGMA mmap_size`).Scan(&r); err != nil {
		t.Fatal(err)
	}
	if err := s.wdb.QueryRowContext(ctx, `PRAGMA mmap_size`).Scan(&w); err != nil {
		t.Fatal(err)
	}
	if r != readerMmap || w != 0 {
		t.Fatalf("mmap_size: readers %d, writer %d; want %d and 0", r, w, int64(readerMmap))
	}
}
