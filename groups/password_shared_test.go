package groups

import (
	"context"
	"sync"
	"testing"
)

// TestConcurrentLoginsShareOneHash: eight connections of one client
// logging in at once, with the login cache empty, cost one argon2id hash
// (19 MiB, tens of milliseconds), not eight; all are let in, and a wrong
// password sent at the same time is still refused.
func TestConcurrentLoginsShareOneHash(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	addUsers(t, s, "a@example.test")
	// The real cost, so that the eight overlap while the first hashes.
	if _, err := s.wdb.ExecContext(ctx, `UPDATE users SET pw_hash = ? WHERE email = ?`,
		hashPassword("password1", DefaultHashParams()), "a@example.test"); err != nil {
		t.Fatal(err)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.Authenticate(ctx, "a@example.test", "password1")
		}()
	}
	var wrong error
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		_, wrong = s.Authenticate(ctx, "a@example.test", "password2")
	}()
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
	}
	if wrong == nil {
		t.Fatal("the wrong password was let in")
	}
	// One hash for the eight right ones (two if a goroutine started very
	// late), one for the wrong password.
	if n := s.auth.flight.hashes.Load(); n > 3 {
		t.Fatalf("%d password hashes for 9 logins with 2 distinct passwords", n)
	}
}
