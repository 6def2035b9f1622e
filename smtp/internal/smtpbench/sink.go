package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// sink is Postfix's smtp-sink on a free loopback port, run with -c: it
// prints its counters each time a message's final "." arrives, and sink
// notes when the message count last grew, which is when the last
// recipients of a transaction were handed to it.
type sink struct {
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	mesg int
	last time.Time
}

func startSink() (*sink, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s := &sink{addr: addr}
	s.cmd = exec.Command("smtp-sink", "-c", "-u", "nobody", addr, "1000")
	s.cmd.Stderr = os.Stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("smtp-sink: %w", err)
	}
	go s.read(bufio.NewReader(out))
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return s, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop(s.cmd)
	return nil, fmt.Errorf("smtp-sink did not start")
}

// read parses "sess=N quit=N mesg=N" records, separated by CR.
func (s *sink) read(r *bufio.Reader) {
	for {
		rec, err := r.ReadBytes('\r')
		if i := bytes.Index(rec, []byte("mesg=")); i >= 0 {
			n, _ := strconv.Atoi(string(bytes.TrimSpace(bytes.TrimRight(rec[i+5:], "\r\n"))))
			now := time.Now()
			s.mu.Lock()
			if n > s.mesg {
				s.mesg, s.last = n, now
			}
			s.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// lastMessage is when the message count last grew, and the count.
func (s *sink) lastMessage() (time.Time, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.mesg
}

// pause stops smtp-sink (SIGSTOP): connections still open at the kernel,
// but nothing is answered, so groupd's queue holds its mail. resume
// undoes it.
func (s *sink) pause() error  { return s.cmd.Process.Signal(syscall.SIGSTOP) }
func (s *sink) resume() error { return s.cmd.Process.Signal(syscall.SIGCONT) }

func (s *sink) stop() {
	s.resume()
	stop(s.cmd)
}

// timed runs cmd and returns how long it took.
func timed(cmd *exec.Cmd) (time.Duration, error) {
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	return time.Since(start), err
}

func stop(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
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
