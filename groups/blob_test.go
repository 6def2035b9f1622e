package groups

import (
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"groupd/internal/testdb"
)

// A large upload streams through the BlobStore both ways with bounded
// memory: the bytes read back are the bytes written, and neither the Go
// heap nor the process's RSS grows by more than a few chunks. 256 MiB
// (GROUPD_BIG_UPLOAD_MIB to change it; 1024 is the 1 GiB case).
func TestBigUploadBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	mib := int64(256)
	if v, err := strconv.ParseInt(os.Getenv("GROUPD_BIG_UPLOAD_MIB"), 10, 64); err == nil && v > 0 {
		mib = v
	}
	size := mib << 20
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "alice@example.test")
	mustGroup(t, s, user("alice@example.test"), GroupSpec{ID: str("team"), Name: str("Team")})
	f, err := s.OpenFolder(ctx, user("alice@example.test"), "team", 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	m := startMemWatch()
	start := time.Now()
	up, err := f.BeginUpload(ctx, "big.bin", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := up.ReadFrom(io.TeeReader(io.LimitReader(noise(), size), h)); err != nil {
		t.Fatal(err)
	}
	if _, err := up.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	put := time.Since(start)
	want := h.Sum(nil)
	start = time.Now()
	r, fi, err := f.Open(ctx, "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	h.Reset()
	n, err := io.CopyBuffer(h, r, make([]byte, 32<<10)) // as http.ServeContent reads
	r.Close()
	get := time.Since(start)
	heap, rss := m.stop()
	if err != nil || n != size || fi.Size != size || string(h.Sum(nil)) != string(want) {
		t.Fatalf("read back %d of %d bytes (size %d), same hash %v: %v", n, size, fi.Size, string(h.Sum(nil)) == string(want), err)
	}
	t.Logf("%s BlobStore, %d MiB: PUT %.0f MiB/s, GET %.0f MiB/s; heap +%d MiB, RSS +%d MiB at most",
		s.Blobs(), mib, float64(mib)/put.Seconds(), float64(mib)/get.Seconds(), heap>>20, rss>>20)
	if heap > 32<<20 || rss > 96<<20 {
		t.Errorf("memory grew by heap %d MiB, RSS %d MiB for a %d MiB file", heap>>20, rss>>20, mib)
	}
}

// noise is an endless stream of incompressible bytes.
func noise() io.Reader { return rand.NewChaCha8([32]byte{1}) }

// memWatch samples the Go heap and the RSS every 10 ms and keeps their
// highest growth over the values at its start.
type memWatch struct {
	heap0, rss0 uint64
	heap, rss   atomic.Uint64
	done        chan struct{}
	wg          sync.WaitGroup
}

func startMemWatch() *memWatch {
	runtime.GC()
	m := &memWatch{done: make(chan struct{})}
	m.heap0, m.rss0 = heapInuse(), rssBytes()
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		for {
			select {
			case <-m.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if h := heapInuse(); h > m.heap0 && h-m.heap0 > m.heap.Load() {
				m.heap.Store(h - m.heap0)
			}
			if r := rssBytes(); r > m.rss0 && r-m.rss0 > m.rss.Load() {
				m.rss.Store(r - m.rss0)
			}
		}
	}()
	return m
}

func (m *memWatch) stop() (heap, rss uint64) {
	close(m.done)
	m.wg.Wait()
	return m.heap.Load(), m.rss.Load()
}

func heapInuse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// rssBytes is VmRSS of /proc/self/status (0 where there is none).
func rssBytes() uint64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// An orphan blob (committed, its row never) is swept once old enough;
// on PostgreSQL not while another node holds the sweep lock.
func TestSweepOrphanUnderLock(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	s, err := Open(dbOptions(db))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	putBlob(t, s, "0123456789abcdef0123456789abcdef", "orphan")
	ctx := context.Background()
	if s.d.pg {
		other := db.SQL(t)
		conn, err := other.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.ExecContext(ctx, db.Q(`SELECT pg_advisory_lock(?)`), pgSweepLock)
		if n, err := s.SweepFolderBlobs(ctx, -time.Hour); err != nil || n != 0 {
			t.Fatalf("swept %d (%v) while another node held the lock", n, err)
		}
		conn.ExecContext(ctx, db.Q(`SELECT pg_advisory_unlock(?)`), pgSweepLock)
	}
	if n, err := s.SweepFolderBlobs(ctx, -time.Hour); err != nil || n != 1 {
		t.Fatalf("swept %d (%v), want the orphan", n, err)
	}
	if hasBlob(t, s, "0123456789abcdef0123456789abcdef") {
		t.Fatal("the orphan is still stored")
	}
}
