package main

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"

	_ "github.com/mattn/go-sqlite3"

	"groupd/internal/groupdproc"
)

// groupd is the real daemon, run from its binary with SMTP and HTTP on
// free loopback ports, submission and IMAP off, the sink as relay
// (internal/groupdproc).
type groupd struct{ *groupdproc.Proc }

func startGroupd(bin, root, relay string) (*groupd, error) {
	p, err := groupdproc.Start(groupdproc.Options{Bin: bin, Root: root, Relay: relay,
		Listen: []string{"smtp", "http"}})
	if err != nil {
		return nil, err
	}
	return &groupd{p}, nil
}

// seed creates, over the admin API (SPEC §3), the user owner@example.test
// and list id@lists.example.test that anyone may post to, with the owner
// as master and rcpts-1 external members r<i>@sink.example: rcpts
// recipients in all.
func (g *groupd) seed(id string, rcpts int) error {
	if _, err := g.API("POST", "/api/v1/users", map[string]string{
		"email": "owner@example.test", "name": "Owner", "password": "password1"}, 201); err != nil &&
		!strings.Contains(err.Error(), " 409 ") {
		return err
	}
	ext := make([]string, rcpts-1)
	for i := range ext {
		ext[i] = fmt.Sprintf("r%05d@sink.example", i)
	}
	_, err := g.API("POST", "/api/v1/groups", map[string]any{
		"id": id, "name": strings.ToUpper(id[:1]) + id[1:], "external": true, "notify": false,
		"masters":      []string{"owner@example.test"},
		"mailing_list": map[string]any{"send_restriction": "anyone", "external_members": ext},
	}, 201)
	return err
}

// sent counts the queue rows groupd has recorded as handed to the relay.
// The bench reads the daemon's database (read-only, as an observer) only
// to know when a fan-out is complete; the time it reports comes from the
// relay.
func (g *groupd) sent() (int, error) {
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(g.DataDir, "groupd.db")+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT COUNT(*) FROM outbound_rcpts WHERE state = 'sent'`).Scan(&n)
	return n, err
}
