package main

import (
	"fmt"
	"strings"
	"time"

	"groupd/internal/groupdproc"
)

// groupd is the real daemon, run from its binary with SMTP and HTTP on
// free loopback ports, submission and IMAP off, the sink as relay
// (internal/groupdproc): one node, or several on one PostgreSQL database.
type groupd struct{ *groupdproc.Cluster }

func startGroupd(bin, root, relay string, b groupdproc.Backend) (*groupd, error) {
	// A list of 100,000 addresses is created in one API request of about
	// 2 MB, over the default limits.max_request_bytes (1 MiB).
	c, err := b.Run(root, groupdproc.Options{Bin: bin, Relay: relay, Listen: []string{"smtp", "http"},
		Extra: "[limits]\nmax_request_bytes = 16777216\n"})
	if err != nil {
		return nil, err
	}
	return &groupd{c}, nil
}

// seed creates, over the admin API (SPEC §3), the user owner@example.test
// and list id@lists.example.test that anyone may post to, with the owner
// as master and rcpts-1 external members r<i>@sink.example: rcpts
// recipients in all.
func (g *groupd) seed(id string, rcpts int) error {
	if _, err := g.Node(0).API("POST", "/api/v1/users", map[string]string{
		"email": "owner@example.test", "name": "Owner", "password": "password1"}, 201); err != nil &&
		!strings.Contains(err.Error(), " 409 ") {
		return err
	}
	ext := make([]string, rcpts-1)
	for i := range ext {
		ext[i] = fmt.Sprintf("r%05d@sink.example", i)
	}
	_, err := g.Node(0).API("POST", "/api/v1/groups", map[string]any{
		"id": id, "name": strings.ToUpper(id[:1]) + id[1:], "external": true, "notify": false,
		"masters":      []string{"owner@example.test"},
		"mailing_list": map[string]any{"send_restriction": "anyone", "external_members": ext},
	}, 201)
	return err
}

// sent counts the queue rows groupd has recorded as handed to the relay.
// The bench reads the daemons' database (as an observer) only to know
// when a fan-out is complete; the time it reports comes from the relay.
func (g *groupd) sent() (int, error) {
	db, err := g.Observe()
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT COUNT(*) FROM outbound_rcpts WHERE state = 'sent'`).Scan(&n)
	return n, err
}

// smtpAddrs is every node's SMTP address.
func (g *groupd) smtpAddrs() []string {
	var a []string
	for _, p := range g.Nodes {
		a = append(a, p.Addr("smtp"))
	}
	return a
}

// cpu is the daemons' CPU time so far, all nodes together.
func (g *groupd) cpu() time.Duration {
	var t time.Duration
	for _, p := range g.Nodes {
		t += cpuTime(p.Cmd.Process.Pid)
	}
	return t
}
