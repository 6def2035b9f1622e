// Command testdaemon runs groupd's mail side alone, for the crash test and
// the benchmark: it opens the store, optionally seeds a list, serves
// inbound SMTP and runs the outbound queue until SIGTERM or SIGINT. It is
// not the product's daemon (that is groupd), only a process to kill.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"groupd/daemon"
	"groupd/groups"
	"groupd/smtp"
)

func main() {
	db := flag.String("db", "", "SQLite database path (required; with -driver postgres, the blobs go beside it)")
	driver := flag.String("driver", "sqlite", "database driver: sqlite or postgres")
	dsn := flag.String("dsn", "", "PostgreSQL DSN (with -driver postgres)")
	listen := flag.String("listen", "127.0.0.1:0", "inbound SMTP address")
	addrFile := flag.String("addr-file", "", "write the bound address here once listening")
	relay := flag.String("relay", "", "relay host:port (required)")
	concurrency := flag.Int("concurrency", 8, "outbound transactions at once")
	seed := flag.String("seed", "", "lists to create if missing, as NAME:MEMBERS,... (external members r<i>@sink.example)")
	expect := flag.Int("expect", 0, "print \"delivered N UNIXNANO\" on stdout once N recipients were handed to the relay")
	maxBytes := flag.Int64("max-bytes", 25<<20, "largest message accepted")
	verbose := flag.Bool("v", false, "log at debug level")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile here")
	noQueue := flag.Bool("no-queue", false, "accept only: do not run the outbound queue")
	flag.Parse()
	if *db == "" || *relay == "" {
		fmt.Fprintln(os.Stderr, "usage: testdaemon -db FILE -relay HOST:PORT [-listen ADDR] [-addr-file F] [-seed N]")
		os.Exit(2)
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if *noQueue {
		*concurrency = -1
	}
	// One daemon per database, restarted under the same node id: it
	// takes its own claims on queued mail back at once (PostgreSQL).
	dbOpts := groups.Options{Driver: *driver, DSN: *dsn, Path: *db, NodeID: "testdaemon"}
	if *driver == groups.DriverPostgres {
		dbOpts.BlobDir = filepath.Join(filepath.Dir(*db), "blobs")
	}
	if err := run(log, dbOpts, *listen, *addrFile, *relay, *concurrency, *seed, *expect, *maxBytes); err != nil {
		log.Error("testdaemon", "err", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(log *slog.Logger, dbOpts groups.Options, listen, addrFile, relay string, concurrency int, seed string, expect int, maxBytes int64) error {
	o := dbOpts
	o.MailDomains, o.InternalDomains = []string{"lists.example.test"}, []string{"example.test"}
	o.Hostname, o.Logger = "lists.example.test", log
	o.HashParams = &groups.HashParams{Time: 1, Memory: 64, Threads: 1}
	st, err := groups.Open(daemon.StoreOptions(o)) // the daemon's protocol semantics
	if err != nil {
		return err
	}
	defer st.Close()
	for _, spec := range strings.Split(seed, ",") {
		name, n, ok := strings.Cut(spec, ":")
		count, err := strconv.Atoi(n)
		if !ok || err != nil {
			continue
		}
		if err := seedList(st, name, count); err != nil {
			return err
		}
	}
	srv, err := smtp.NewServer(smtp.Options{Store: st, Logger: log, Hostname: "lists.example.test", MaxMessageBytes: maxBytes})
	if err != nil {
		return err
	}
	q, err := smtp.NewQueue(smtp.QueueOptions{Store: st, Logger: log, Relay: relay, Hostname: "lists.example.test",
		Concurrency: concurrency, OnDelivery: reporter(expect)})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	if addrFile != "" {
		if err := os.WriteFile(addrFile+".tmp", []byte(l.Addr().String()), 0o600); err != nil {
			return err
		}
		if err := os.Rename(addrFile+".tmp", addrFile); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	qdone := make(chan error, 1)
	if concurrency < 0 {
		qdone <- nil
	} else {
		go func() { qdone <- q.Run(ctx) }()
	}
	sdone := make(chan error, 1)
	go func() { sdone <- srv.Serve(l) }()
	log.Info("testdaemon ready", "smtp", l.Addr().String(), "relay", relay)
	select {
	case <-ctx.Done():
	case err := <-sdone:
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	return errors.Join(err, <-qdone)
}

// reporter prints when expect recipients in all were handed over.
func reporter(expect int) func(sent, retry, failed int) {
	if expect <= 0 {
		return nil
	}
	var total atomic.Int64
	return func(sent, _, _ int) {
		n := total.Add(int64(sent))
		if n >= int64(expect) && n-int64(sent) < int64(expect) {
			fmt.Printf("delivered %d %d\n", n, time.Now().UnixNano())
		}
	}
}

// seedList creates <id>@lists.example.test (anyone, outsiders too, may
// post) with n external members r<i>@sink.example, unless it exists.
func seedList(st *groups.Store, id string, n int) error {
	ctx := context.Background()
	admin := groups.AdminActor()
	if _, err := st.GetGroup(ctx, admin, id); err == nil {
		return nil
	}
	email := "owner@example.test"
	name, pw := "Owner", "password1"
	if _, err := st.CreateUser(ctx, admin, groups.UserSpec{Email: &email, Name: &name, Password: &pw}); err != nil &&
		!errors.Is(err, groups.ErrConflict) {
		return err
	}
	ext := make([]string, n)
	for i := range ext {
		ext[i] = fmt.Sprintf("r%05d@sink.example", i)
	}
	gname, anyone := strings.ToUpper(id[:1])+id[1:], "anyone"
	f, t := false, true
	_, err := st.CreateGroup(ctx, admin, groups.GroupSpec{ID: &id, Name: &gname, Notify: &f, External: &t,
		Masters: []string{email}, MailingList: &groups.ListSpec{SendRestriction: &anyone, BlockExternal: &f, ExternalMembers: &ext}})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}
