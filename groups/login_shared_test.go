package groups

import (
	"context"
	"errors"
	"testing"
	"time"

	"groupd/internal/testdb"
)

// throttledNodes opens two stores on one database whose throttle slows
// past 3 failures (200 ms, doubling) and refuses an address past 6.
func throttledNodes(t *testing.T) (a, b *Store) {
	t.Helper()
	db := testdb.New(t)
	var out [2]*Store
	for i := range out {
		o := dbOptions(db)
		o.Throttle = ThrottleOptions{SlowAfter: 3, RefuseAfter: 6, Delay: 200 * time.Millisecond, MaxDelay: 2 * time.Second}
		s, err := Open(o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out[i] = s
	}
	addUsers(t, out[0], "alice@example.test")
	return out[0], out[1]
}

func timedLogin(s *Store, password, remote string) (time.Duration, error) {
	start := time.Now()
	_, err := s.Login(context.Background(), LoginRequest{Email: "alice@example.test", Password: password,
		Remote: remote, Protocol: "imap"})
	return time.Since(start), err
}

// TestLoginThrottleAcrossNodes: failures on node A slow the next login to
// the same account on node B, from another address, and past the limit
// node B refuses the guessing address outright; a success on B clears
// the account's count for A too. On SQLite (one process) there is one
// node: PostgreSQL only.
func TestLoginThrottleAcrossNodes(t *testing.T) {
	pgOnly(t)
	a, b := throttledNodes(t)
	for range 4 {
		if _, err := timedLogin(a, "wrong-guess", "192.0.2.1:4000"); !errors.Is(err, ErrUnauthenticated) {
			t.Fatalf("a wrong password on A: %v", err)
		}
	}
	took, err := timedLogin(b, "password1", "198.51.100.7:5000")
	if err != nil {
		t.Fatal(err)
	}
	if took < 400*time.Millisecond {
		t.Fatalf("after 4 failures on A, a login on B took %v, want the 400 ms delay", took)
	}
	t.Logf("login on B after 4 failures on A: %v", took.Round(time.Millisecond))
	if took, _ := timedLogin(a, "password1", "198.51.100.8:5000"); took > 200*time.Millisecond {
		t.Fatalf("the success on B did not clear the account's count on A: %v", took)
	}
	for range 2 {
		timedLogin(a, "wrong-guess", "192.0.2.1:4000")
	}
	if _, err := timedLogin(b, "password1", "192.0.2.1:4001"); !errors.Is(err, ErrThrottled) {
		t.Fatalf("6 failures from 192.0.2.1 on A, then a login from it on B: %v, want ErrThrottled", err)
	}
}
