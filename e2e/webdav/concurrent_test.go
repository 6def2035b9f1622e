package webdav

import (
	"bytes"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentPutsOneWins: eight members' clients PUT different 4 MiB
// bodies to one path at once. Every PUT is acknowledged, and the file is
// then exactly one of the bodies, never a mix; one blob is left on disk
// and no temporary file.
func TestConcurrentPutsOneWins(t *testing.T) {
	e := start(t, nil)
	const n, size = 8, 4 << 20
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i] = bytes.Repeat([]byte{byte('a' + i)}, size)
	}
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() {
			user := []string{"alice", "bob"}[i%2]
			req, _ := http.NewRequest("PUT", e.url("/dav/files/team/same.bin"), bytes.NewReader(bodies[i]))
			req.SetBasicAuth(user+"@example.test", pw)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusCreated && c != http.StatusNoContent {
			t.Fatalf("PUT %d: %d", i, c)
		}
	}
	got := []byte(e.get("alice", "/dav/files/team/same.bin"))
	winner := -1
	for i, b := range bodies {
		if bytes.Equal(got, b) {
			winner = i
		}
	}
	if winner < 0 {
		t.Fatalf("torn file: %d bytes, not one of the bodies", len(got))
	}
	blobs, uploads := e.diskFiles()
	if len(blobs) != 1 || len(uploads) != 0 {
		t.Fatalf("on disk: blobs %v, uploads %v", blobs, uploads)
	}
	t.Logf("PUT %d won", winner)
}
