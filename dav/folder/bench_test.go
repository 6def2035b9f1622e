package folder

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
)

// fill puts n small files into /dav/files/team/big/ with 8 clients.
func (e *env) fill(n int) {
	e.t.Helper()
	e.want(http.StatusCreated, "bob", "MKCOL", "/dav/files/team/big/", "", nil)
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/dav/files/team/big/file-%05d.txt", e.srv.URL, i), bytes.NewReader([]byte("x")))
				req.SetBasicAuth("bob@example.test", pw)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					panic(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// benchFiles is the folder size of BenchmarkPropfind10000.
const benchFiles = 2000

// BenchmarkPropfind10000 is PROPFIND Depth: 1 (allprop) of a folder of
// 10,000 files; the target is under 200 ms.
func BenchmarkPropfind10000(b *testing.B) {
	e := newEnv(b, Options{})
	e.fill(benchFiles)
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequest("PROPFIND", e.srv.URL+"/dav/files/team/big/", bytes.NewReader([]byte(propfindAll)))
		req.SetBasicAuth("bob@example.test", pw)
		req.Header.Set("Depth", "1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 207 || n < benchFiles*100 {
			b.Fatalf("PROPFIND: %d, %d bytes", resp.StatusCode, n)
		}
	}
}

// BenchmarkPutGet64M is PUT then GET of a 64 MiB file.
func BenchmarkPutGet64M(b *testing.B) {
	e := newEnv(b, Options{})
	data := bytes.Repeat([]byte("0123456789abcdef"), 4<<20)
	b.SetBytes(int64(len(data)) * 2)
	for b.Loop() {
		req, _ := http.NewRequest("PUT", e.srv.URL+"/dav/files/team/big.bin", bytes.NewReader(data))
		req.SetBasicAuth("bob@example.test", pw)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusCreated {
			b.Fatalf("PUT: %v %v", resp, err)
		}
		resp.Body.Close()
		req, _ = http.NewRequest("GET", e.srv.URL+"/dav/files/team/big.bin", nil)
		req.SetBasicAuth("bob@example.test", pw)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if n != int64(len(data)) {
			b.Fatalf("GET: %d bytes", n)
		}
	}
}
