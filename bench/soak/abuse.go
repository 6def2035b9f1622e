package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// Abuse mode (-abuse, issue 16): the second half of the run adds the
// attacks of the security audit's findings 1, 5 and 6 beside the normal
// workload, each from loopback addresses of its own (127.0.0.2–9; Linux
// routes all of 127/8 to lo), as outsiders would come from addresses of
// their own:
//
//   - recurrence (finding 1): mallory PUTs an object of 200 VEVENTs
//     sharing a UID, each FREQ=SECONDLY;COUNT=10000000, then asks for a
//     year's calendar-query and a day's free-busy-query;
//   - slow bodies (finding 5): 40 authenticated POSTs at a time declaring
//     100,000 bytes and sending one byte every 3 s;
//   - large messages (finding 6): 4 senders at a time of 26 MiB posts,
//     over the 25 MiB limit, with a forged member envelope, and 3 IMAP
//     sessions asking FETCH 1:* (BODY.PEEK[] ×8) of 2 posts of 20 MiB
//     and never reading.
//
// What the attackers get is printed (their answers are the daemon's
// limits at work), never counted as errors; the normal workload must
// see no error and keep its p99 within 3× of the quiet first half.

const (
	mallory        = "mallory@example.test"
	mallet         = "mallet@example.test"
	bigPostBytes   = 20 << 20
	overLimitBytes = 26 << 20
)

// attackLog counts what each attack got back.
type attackLog struct {
	mu  sync.Mutex
	got map[string]map[string]int // attack → outcome → count
}

func (l *attackLog) add(attack, outcome string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.got == nil {
		l.got = map[string]map[string]int{}
	}
	if l.got[attack] == nil {
		l.got[attack] = map[string]int{}
	}
	l.got[attack][outcome]++
}

func (l *attackLog) print() {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Println("\nwhat the attackers got:")
	for _, a := range slices.Sorted(maps.Keys(l.got)) {
		var parts []string
		for _, o := range slices.Sorted(maps.Keys(l.got[a])) {
			parts = append(parts, fmt.Sprintf("%s ×%d", o, l.got[a][o]))
		}
		fmt.Printf("  %-11s %s\n", a, strings.Join(parts, ", "))
	}
}

// seedAbuse creates mallet (slow bodies) and mallory, master of "mallory" (her calendar) and of
// "big", whose archive holds two posts of 20 MiB for the IMAP attack.
func (d *daemon) seedAbuse() error {
	for _, u := range []string{mallory, mallet} {
		if _, err := d.API("POST", "/api/v1/users", map[string]string{"email": u, "name": u, "password": password}, 201); err != nil {
			return err
		}
	}
	for _, g := range []string{"mallory", "big"} {
		if _, err := d.API("POST", "/api/v1/groups", map[string]any{"id": g, "name": strings.ToUpper(g[:1]) + g[1:],
			"masters": []string{mallory}}, 201); err != nil {
			return err
		}
	}
	line := strings.Repeat("x", 998) + "\r\n"
	body := strings.Repeat(line, bigPostBytes/len(line))
	for i := range 2 {
		msg := fmt.Sprintf("From: %s\r\nTo: big@lists.example.test\r\nSubject: big %d\r\nMessage-ID: <big.%d@example.test>\r\n\r\n%s",
			mallory, i, i, body)
		if err := sendRetrying(d.Addr("smtp"), mallory, "big@lists.example.test", msg); err != nil {
			return fmt.Errorf("seed big post %d: %w", i, err)
		}
	}
	return nil
}

// sendRetrying sends as an MTA would: again after a temporary refusal
// (452 while the memory budget holds another large message), for a
// minute at most.
func sendRetrying(addr, from, to, msg string) error {
	deadline := time.Now().Add(time.Minute)
	for {
		err := send(addr, from, to, msg)
		var se *gosmtp.SMTPError
		if err == nil || !errors.As(err, &se) || se.Code/100 != 4 || time.Now().After(deadline) {
			return err
		}
		time.Sleep(time.Second)
	}
}

// from dials addr from the loopback address 127.0.0.n.
func from(n int) *net.Dialer {
	return &net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(n))}}
}

// abuse runs the attacks named in which until ctx ends.
func abuse(ctx context.Context, d *daemon, log *attackLog, which []string) {
	var wg sync.WaitGroup
	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{DialContext: from(2).DialContext}}
	if slices.Contains(which, "recurrence") {
		wg.Go(func() { repeat(ctx, func() { recurrenceAttack(ctx, d, hc, log) }) })
	}
	for i := range 40 * count(which, "slow-body") {
		wg.Go(func() { repeat(ctx, func() { slowBody(ctx, d, from(3+i%2), log) }) })
	}
	for i := range 4 * count(which, "over-limit") {
		wg.Go(func() { repeat(ctx, func() { overLimitPost(ctx, d, from(5+i%2), log) }) })
	}
	for range 3 * count(which, "imap-fetch") {
		wg.Go(func() { repeat(ctx, func() { imapNoRead(ctx, d, from(7), log) }) })
	}
	wg.Wait()
}

// count is 1 when which names attack, else 0.
func count(which []string, attack string) int {
	if slices.Contains(which, attack) {
		return 1
	}
	return 0
}

// repeat runs attack again and again until ctx ends, at most once a second.
func repeat(ctx context.Context, attack func()) {
	for ctx.Err() == nil {
		start := time.Now()
		attack()
		select {
		case <-ctx.Done():
		case <-time.After(time.Second - time.Since(start)):
		}
	}
}
