package groups

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestLoginBruteForceSlowedThenRefused(t *testing.T) {
	var logs syncBuffer
	o := testOptions(t)
	o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	o.Throttle = ThrottleOptions{Delay: time.Millisecond, MaxDelay: 20 * time.Millisecond}
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addUsers(t, s, "alice@example.test")
	ctx := context.Background()
	attacker := "192.0.2.66:4000"
	var refused, slowed int
	for i := range 50 {
		t0 := time.Now()
		_, err := s.Login(ctx, LoginRequest{Email: "alice@example.test", Password: "guess-" + string(rune('a'+i%26)) + "-secret", Remote: attacker, Protocol: "imap"})
		switch {
		case err == nil:
			t.Fatal("a wrong password logged in")
		case time.Since(t0) >= time.Millisecond && i >= 5:
			slowed++
		}
		if errors.Is(err, ErrThrottled) {
			refused++
		}
	}
	if slowed == 0 || refused != 30 {
		t.Fatalf("slowed %d, refused %d of 50; want some slowed and the last 30 refused", slowed, refused)
	}
	// Even the right password is refused from the attacker's address...
	_, err = s.Login(ctx, LoginRequest{Email: "alice@example.test", Password: "password1", Remote: attacker})
	wantErr(t, err, ErrThrottled)
	// ...but works from another address.
	if _, err := s.Login(ctx, LoginRequest{Email: "alice@example.test", Password: "password1", Remote: "198.51.100.7:5000"}); err != nil {
		t.Fatalf("owner locked out: %v", err)
	}
	out := logs.String()
	if strings.Contains(out, "password1") || strings.Contains(out, "-secret") {
		t.Fatalf("a password reached the log:\n%s", out)
	}
	if !strings.Contains(out, "login failed") || !strings.Contains(out, "msg=login ") {
		t.Fatalf("log lacks the outcomes:\n%s", out)
	}
}

// TestLoginThrottledPerAccountAcrossIPs: failures for one account from
// 10 different addresses (one each, far below the per-IP limits) slow the
// next attempt for that account from an 11th address — it waits, and is
// not refused, since an account is only ever slowed — while another
// account logging in from that 11th address is not slowed at all.
func TestLoginThrottledPerAccountAcrossIPs(t *testing.T) {
	// SlowAfter 10: the 10 failures themselves are not slowed; the delay
	// (an hour) is long enough that only a throttled attempt could take it.
	o := testOptions(t)
	o.Throttle = ThrottleOptions{SlowAfter: 10, Delay: time.Hour, MaxDelay: time.Hour}
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addUsers(t, s, "alice@example.test", "bob@example.test")
	ctx := context.Background()
	for i := range 10 {
		remote := "192.0.2." + string(rune('1'+i/10)) + string(rune('0'+i%10)) + ":4000"
		_, err := s.Login(ctx, LoginRequest{Email: "alice@example.test", Password: "wrong-secret", Remote: remote, Protocol: "imap"})
		wantErr(t, err, ErrUnauthenticated)
	}
	fresh := "198.51.100.7:5000"
	// alice from the fresh address is held back (the wait outlasts the
	// caller's patience), and not refused outright.
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	_, err = s.Login(short, LoginRequest{Email: "alice@example.test", Password: "password1", Remote: fresh, Protocol: "imap"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("alice after 10 failures from 10 addresses, from an 11th: got %v, want to be slowed (context deadline exceeded)", err)
	}
	if errors.Is(err, ErrThrottled) {
		t.Fatal("an account was refused; it may only be slowed")
	}
	// bob from the same fresh address logs in without the hour's wait.
	patient, cancel2 := context.WithTimeout(ctx, 60*time.Second)
	defer cancel2()
	if _, err := s.Login(patient, LoginRequest{Email: "bob@example.test", Password: "password1", Remote: fresh, Protocol: "imap"}); err != nil {
		t.Fatalf("bob from the same address was slowed or refused: %v", err)
	}
}

func TestAppPasswords(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test")
	ctx := context.Background()
	alice := user("alice@example.test")
	_, err := s.CreateAppPassword(ctx, user("bob@example.test"), "alice@example.test", "phone")
	wantErr(t, err, ErrDenied)
	ap, err := s.CreateAppPassword(ctx, alice, "alice@example.test", "Calendar on phone")
	if err != nil || len(ap.Password) < 20 {
		t.Fatalf("create: %+v %v", ap, err)
	}
	u, err := s.Login(ctx, LoginRequest{Email: "alice@example.test", Password: ap.Password, Remote: "127.0.0.1:1"})
	if err != nil || u.Email != "alice@example.test" {
		t.Fatalf("app password login: %v", err)
	}
	_, err = s.Login(ctx, LoginRequest{Email: "bob@example.test", Password: ap.Password, Remote: "127.0.0.1:1"})
	wantErr(t, err, ErrUnauthenticated)
	list, _ := s.AppPasswords(ctx, alice, "alice@example.test")
	if len(list) != 1 || list[0].Password != "" || list[0].LastUsed == 0 {
		t.Fatalf("list: %+v", list)
	}
	if err := s.RevokeAppPassword(ctx, alice, "alice@example.test", ap.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Login(ctx, LoginRequest{Email: "alice@example.test", Password: ap.Password, Remote: "127.0.0.1:1"})
	wantErr(t, err, ErrUnauthenticated)
}

// Issue 16 item 10: 45 parallel logins took 285 MiB hashing at once. At
// most MaxHashes password checks run at a time; the others wait.
func TestLoginHashesInFlightBounded(t *testing.T) {
	o := testOptions(t)
	o.HashParams = &HashParams{Time: 2, Memory: 4 << 10, Threads: 1}
	o.Throttle = ThrottleOptions{MaxHashes: 2}
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addUsers(t, s, "alice@example.test")
	var wg sync.WaitGroup
	for i := range 45 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One address each: only the hash bound holds them back.
			remote := "192.0.2." + strconv.Itoa(i+1) + ":4000"
			s.Login(context.Background(), LoginRequest{Email: "alice@example.test", Password: "wrong-" + strconv.Itoa(i), Remote: remote, Protocol: "api"})
		}()
	}
	wg.Wait()
	if p := s.throttle.peak.Load(); p < 1 || p > 2 {
		t.Fatalf("%d password checks at once, want 1 to 2", p)
	}
}
