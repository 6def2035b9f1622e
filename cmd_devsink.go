package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// cmdDevsink is `groupd devsink [-listen ADDR] [-dir DIR]`: a relay for a
// laptop, so that a newcomer's first post goes somewhere they can see. It
// accepts every message (never relaying it on), prints one line per
// recipient with the subject, and with -dir writes each message as a
// .eml file. The shipped groupd.toml relays to its default address.
func cmdDevsink(args []string) int {
	fl := flag.NewFlagSet("devsink", flag.ContinueOnError)
	addr := fl.String("listen", "127.0.0.1:2526", "address to listen on (the shipped groupd.toml relays here)")
	dir := fl.String("dir", "", "also write each message into DIR as NNNNNN.eml")
	if fl.Parse(args) != nil || fl.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: groupd devsink [-listen ADDR] [-dir DIR]")
		return 2
	}
	if *dir != "" {
		if err := os.MkdirAll(*dir, 0o700); err != nil {
			fmt.Fprintf(os.Stderr, "groupd devsink: %v\n", err)
			return 1
		}
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "groupd devsink: %v\n", err)
		return 1
	}
	sink := &devsink{dir: *dir, out: os.Stdout}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &devsinkSession{sink: sink}, nil
	}))
	srv.Domain, srv.MaxRecipients, srv.MaxMessageBytes = "devsink.localhost", 100000, 64<<20
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.ErrorLog = log.New(io.Discard, "", 0) // groupd's start-up probe only connects
	fmt.Fprintf(os.Stdout, "groupd devsink: accepting mail on %s (nothing is sent on); Ctrl-C stops\n", l.Addr())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-sig; srv.Close() }()
	if err := srv.Serve(l); err != nil && !errors.Is(err, gosmtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
		fmt.Fprintf(os.Stderr, "groupd devsink: %v\n", err)
		return 1
	}
	return 0
}

// devsink prints and keeps what it receives.
type devsink struct {
	dir string
	out io.Writer
	n   atomic.Int64
}

type devsinkSession struct {
	sink  *devsink
	from  string
	rcpts []string
}

func (s *devsinkSession) AuthPlain(string, string) error { return nil }
func (s *devsinkSession) Mail(from string, _ *gosmtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *devsinkSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}
func (s *devsinkSession) Reset()        { s.from, s.rcpts = "", nil }
func (s *devsinkSession) Logout() error { return nil }

// Data prints "<n> from <sender> to <rcpt>: <subject>" for each
// recipient, and writes the message when asked to.
func (s *devsinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	n := s.sink.n.Add(1)
	subject := headerValue(b, "Subject")
	for _, rc := range s.rcpts {
		fmt.Fprintf(s.sink.out, "%06d from <%s> to <%s>: %s\n", n, s.from, rc, subject)
	}
	if s.sink.dir != "" {
		return os.WriteFile(filepath.Join(s.sink.dir, fmt.Sprintf("%06d.eml", n)), b, 0o600)
	}
	return nil
}

// headerValue is the first header field named name, unfolded, as sent.
func headerValue(msg []byte, name string) string {
	sc := bufio.NewScanner(bytes.NewReader(msg))
	var val string
	found := false
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			break
		}
		if found && (line[0] == ' ' || line[0] == '\t') {
			val += " " + strings.TrimSpace(line)
			continue
		}
		if found {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, name) {
			val, found = strings.TrimSpace(v), true
		}
	}
	return val
}
