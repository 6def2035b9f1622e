// Command cald serves the CalDAV handler of a store on its own, for the
// benchmark and for trying clients by hand:
//
//	cald -db DIR/groupd.db -addr 127.0.0.1:8080 [-setup]
//
// With -setup it creates users alice@example.test and bob@example.test
// (password "password1") and the group "team" with alice as master and
// bob as member, unless they exist. It prints "listening ADDR" once it
// serves.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"

	"groupd/dav/calendar"
	"groupd/groups"
)

func main() {
	db := flag.String("db", "groupd.db", "SQLite database")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	setup := flag.Bool("setup", false, "create the users alice and bob and the group team")
	flag.Parse()
	if err := run(*db, *addr, *setup); err != nil {
		fmt.Fprintln(os.Stderr, "cald:", err)
		os.Exit(1)
	}
}

func run(db, addr string, setup bool) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := groups.Open(groups.Options{Path: db, MailDomains: []string{"lists.example.test"},
		InternalDomains: []string{"example.test"}, Logger: log,
		HashParams: &groups.HashParams{Time: 1, Memory: 64, Threads: 1}})
	if err != nil {
		return err
	}
	defer s.Close()
	if setup {
		if err := createTeam(s); err != nil {
			return err
		}
	}
	h, err := calendar.New(calendar.Options{Store: s, Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Println("listening", ln.Addr())
	return http.Serve(ln, h)
}

func createTeam(s *groups.Store) error {
	ctx, admin := context.Background(), groups.AdminActor()
	for _, e := range []string{"alice@example.test", "bob@example.test"} {
		name, pw := e, "password1"
		if _, err := s.GetUser(ctx, admin, e); err == nil {
			continue
		}
		if _, err := s.CreateUser(ctx, admin, groups.UserSpec{Email: &e, Name: &name, Password: &pw}); err != nil {
			return err
		}
	}
	if _, err := s.GetGroup(ctx, admin, "team"); err == nil {
		return nil
	}
	id, name := "team", "Team"
	_, err := s.CreateGroup(ctx, groups.Actor{Email: "alice@example.test"},
		groups.GroupSpec{ID: &id, Name: &name, Members: []string{"bob@example.test"}})
	return err
}
