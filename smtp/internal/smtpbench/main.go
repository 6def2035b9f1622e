// Command smtpbench measures groupd's mail path against Postfix's
// smtp-sink as the relay (bench/smtp.sh runs it):
//
//	(a) the time from 250 for a post to a 10,000-member list until the
//	    last recipient was handed to the relay, beside smtp-source handing
//	    10,000 recipients straight to smtp-sink;
//	(b) durable acceptance rate of 4 KB posts to a 100-member list with
//	    smtp-source (20 sessions), beside smtp-source → smtp-sink.
//
// Loopback only; every process it starts it stops.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

func main() {
	daemon := flag.String("daemon", "", "testdaemon binary (required)")
	rcpts := flag.Int("rcpts", 10000, "(a) members of the big list")
	posts := flag.Int("posts", 5000, "(b) posts sent by smtp-source")
	sessions := flag.Int("sessions", 20, "(b) smtp-source sessions")
	flag.Parse()
	if *daemon == "" {
		fmt.Fprintln(os.Stderr, "usage: smtpbench -daemon testdaemon")
		os.Exit(2)
	}
	if err := run(*daemon, *rcpts, *posts, *sessions); err != nil {
		fmt.Fprintln(os.Stderr, "smtpbench:", err)
		os.Exit(1)
	}
}

func run(daemon string, rcpts, posts, sessions int) error {
	dir, err := os.MkdirTemp("", "smtpbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sink, sinkAddr, err := startSink()
	if err != nil {
		return err
	}
	defer stop(sink)

	// Raw figures first, on the same machine in the same run.
	rawFan, err := timed(exec.Command("smtp-source", "-s", "1", "-m", "1", "-r", fmt.Sprint(rcpts),
		"-f", "bench@example.test", "-t", "r@sink.example", sinkAddr))
	if err != nil {
		return fmt.Errorf("raw fan-out: %w", err)
	}
	rawAccept, err := timed(exec.Command("smtp-source", "-s", fmt.Sprint(sessions), "-m", fmt.Sprint(posts), "-l", "4096",
		"-f", "bench@example.test", "-t", "r@sink.example", sinkAddr))
	if err != nil {
		return fmt.Errorf("raw acceptance: %w", err)
	}

	d, addr, delivered, err := startDaemon(daemon, filepath.Join(dir, "groupd.db"), sinkAddr,
		fmt.Sprintf("big:%d,small:100", rcpts), rcpts+1)
	if err != nil {
		return err
	}
	defer stop(d)
	t0, err := post(addr, "big@lists.example.test")
	if err != nil {
		return fmt.Errorf("post to big: %w", err)
	}
	var t1 time.Time
	select {
	case t1 = <-delivered:
	case <-time.After(5 * time.Minute):
		return fmt.Errorf("the big list was not delivered within 5 minutes")
	}
	fan := t1.Sub(t0)

	accept, err := timed(exec.Command("smtp-source", "-s", fmt.Sprint(sessions), "-m", fmt.Sprint(posts), "-l", "4096",
		"-f", "bench@example.test", "-t", "small@lists.example.test", addr))
	if err != nil {
		return fmt.Errorf("acceptance: %w", err)
	}

	rate := func(d time.Duration) float64 { return float64(posts) / d.Seconds() }
	fmt.Printf("(a) 250 -> last of %d recipients at the relay: groupd %.3f s, raw smtp-source->smtp-sink %.3f s, ratio %.2f (target <= 0.5 s)\n",
		rcpts+1, fan.Seconds(), rawFan.Seconds(), fan.Seconds()/rawFan.Seconds())
	fmt.Printf("(b) durable acceptance, %d x 4 KB posts to a 100-member list, %d sessions: groupd %.0f posts/s, raw %.0f posts/s, ratio %.2f (target >= 1000/s)\n",
		posts, sessions, rate(accept), rate(rawAccept), rate(accept)/rate(rawAccept))
	return nil
}

// startSink runs smtp-sink on a free loopback port.
func startSink() (*exec.Cmd, string, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command("smtp-sink", "-u", "nobody", addr, "1000")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("smtp-sink: %w", err)
	}
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return cmd, addr, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop(cmd)
	return nil, "", fmt.Errorf("smtp-sink did not start")
}

func startDaemon(bin, db, relay, seed string, expect int) (*exec.Cmd, string, <-chan time.Time, error) {
	addrFile := db + ".addr"
	cmd := exec.Command(bin, "-db", db, "-relay", relay, "-addr-file", addrFile, "-seed", seed, "-expect", fmt.Sprint(expect))
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, "", nil, err
	}
	delivered := make(chan time.Time, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var n, ns int64
			if _, err := fmt.Sscanf(sc.Text(), "delivered %d %d", &n, &ns); err == nil {
				delivered <- time.Unix(0, ns)
			}
		}
	}()
	for i := 0; i < 3000; i++ {
		if b, err := os.ReadFile(addrFile); err == nil {
			return cmd, string(b), delivered, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop(cmd)
	return nil, "", nil, fmt.Errorf("testdaemon did not start")
}

// post sends one post and returns when it was answered 250.
func post(addr, list string) (time.Time, error) {
	c, err := gosmtp.Dial(addr)
	if err != nil {
		return time.Time{}, err
	}
	defer c.Close()
	msg := "From: bench@example.test\r\nTo: " + list + "\r\nSubject: bench\r\n\r\n" + strings.Repeat(strings.Repeat("x", 78)+"\r\n", 50)
	if err := c.SendMail("bench@example.test", []string{list}, strings.NewReader(msg)); err != nil {
		return time.Time{}, err
	}
	return time.Now(), nil
}

func timed(cmd *exec.Cmd) (time.Duration, error) {
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	return time.Since(start), err
}

func stop(cmd *exec.Cmd) {
	if cmd != nil && cmd.Process != nil {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
