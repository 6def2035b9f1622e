package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// needle is the word that 1% of the posts hold, for SEARCH TEXT.
const needle = "xylophone"

// hasNeedle says whether post i holds the needle; hits is how many of n
// posts do.
func hasNeedle(i int) bool { return i%100 == 42 }

func hits(n int) int { return (n + 57) / 100 }

// post is a realistic list post of about 2.5 KB: a dozen header fields,
// quoted-printable UTF-8 text; 1% of them hold the needle (hasNeedle).
func post(i, n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Alice <alice@example.test>\r\nTo: team@lists.example.test\r\n")
	fmt.Fprintf(&b, "Subject: Re: weekly planning, item %d\r\nDate: Mon, 02 Mar 2026 09:%02d:%02d +0000\r\n", i, i/60%60, i%60)
	fmt.Fprintf(&b, "Message-ID: <bench-%d@example.test>\r\nIn-Reply-To: <bench-%d@example.test>\r\n", i, i/2)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	for j := 0; j < 30; j++ {
		word := "dog"
		if hasNeedle(i) && j == 15 {
			word = "dog " + needle
		}
		fmt.Fprintf(&b, "Line %d of post %d: the quick brown fox jumps over the lazy %s, gr=C3=BC=C3=9Fe.\r\n", j, i, word)
	}
	return b.Bytes()
}

// load posts n messages from alice to the team list over SMTP, in the
// given number of parallel sessions; a session reconnects every 300
// posts to stay under limits.max_smtp_commands.
func load(addr string, n, sessions int) error {
	next := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			next <- i
		}
		close(next)
	}()
	errs := make(chan error, sessions)
	var wg sync.WaitGroup
	for s := 0; s < sessions; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- sendAll(addr, n, next)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func sendAll(addr string, n int, next <-chan int) error {
	for {
		c, err := gosmtp.Dial(addr)
		if err != nil {
			return err
		}
		sent := 0
		for i := range next {
			if err := c.SendMail("alice@example.test", []string{"team@lists.example.test"}, bytes.NewReader(post(i, n))); err != nil {
				c.Close()
				return fmt.Errorf("post %d: %w", i, err)
			}
			if sent++; sent == 300 {
				break
			}
		}
		c.Quit()
		if sent < 300 {
			return nil
		}
	}
}

// relay is an SMTP server on loopback that accepts and drops every
// message, as the daemon's relay, counting the recipients handed to it.
type relay struct {
	srv   *gosmtp.Server
	addr  string
	rcpts atomic.Int64
}

func startRelay() (*relay, error) {
	r := &relay{}
	r.srv = gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return sink{r}, nil }))
	r.srv.Domain = "relay.bench"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r.addr = l.Addr().String()
	go r.srv.Serve(l)
	return r, nil
}

// settle waits until no recipient has arrived for quiet (the daemon's
// queue has drained, so that it does not compete with the measurement)
// and returns how many arrived in all.
func (r *relay) settle(quiet, limit time.Duration) int64 {
	deadline := time.Now().Add(limit)
	last := int64(-1)
	for time.Now().Before(deadline) {
		n := r.rcpts.Load()
		if n == last {
			return n
		}
		last = n
		time.Sleep(quiet)
	}
	return r.rcpts.Load()
}

type sink struct{ r *relay }

func (sink) Reset()                                   {}
func (sink) Logout() error                            { return nil }
func (sink) Mail(string, *gosmtp.MailOptions) error   { return nil }
func (s sink) Rcpt(string, *gosmtp.RcptOptions) error { s.r.rcpts.Add(1); return nil }
func (sink) Data(r io.Reader) error                   { _, err := io.Copy(io.Discard, r); return err }
