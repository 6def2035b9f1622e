package api

import (
	"net/http"
	"sync"
	"testing"
)

// Issue 16 item 10: 45 wrong passwords sent in parallel from one address
// all got 401 (each checked the count before any failure was added), so
// the limit of 20 did not hold. Failures are now counted before the hash:
// at most 20 are checked (401), the rest are refused (429), and then even
// the right password from that address is refused until the window ends.
func TestParallelWrongPasswordsBoundedPerIP(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test")
	codes := make(chan int, 45)
	var wg sync.WaitGroup
	for range 45 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- basicGet(t, e, "alice@example.test", "wrong-password")
		}()
	}
	wg.Wait()
	close(codes)
	n := map[int]int{}
	for c := range codes {
		n[c]++
	}
	if n[401] > 20 || n[401]+n[429] != 45 {
		t.Fatalf("answers %v: want at most 20 × 401 and the rest 429", n)
	}
	if got := basicGet(t, e, "alice@example.test", "password1"); got != 429 {
		t.Fatalf("right password after the refusals: %d, want 429", got)
	}
}

// basicGet lists groups with Basic credentials and returns the status;
// it is safe in a goroutine (no t.Fatal).
func basicGet(t *testing.T, e *env, user, pass string) int {
	req, err := http.NewRequest("GET", e.srv.URL+"/api/v1/groups", nil)
	if err != nil {
		t.Error(err)
		return 0
	}
	req.SetBasicAuth(user, pass)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}
