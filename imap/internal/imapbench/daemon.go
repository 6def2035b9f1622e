package main

import "groupd/internal/groupdproc"

// daemon is the real groupd, run from its binary with HTTP, SMTP and IMAP
// on free loopback ports (internal/groupdproc): one node, or several on
// one PostgreSQL database, where posts go in through the first and the
// client syncs from the last.
type daemon struct{ *groupdproc.Cluster }

func startDaemon(bin, root, relay string, b groupdproc.Backend) (*daemon, error) {
	c, err := b.Run(root, groupdproc.Options{Bin: bin, Relay: relay, Listen: []string{"smtp", "imap", "http"}})
	if err != nil {
		return nil, err
	}
	return &daemon{c}, nil
}

// seed creates alice and bob and the group "team" (display name "Team",
// list team@lists.example.test) with alice master and bob member, over
// the admin API (SPEC §3).
func (d *daemon) seed() error {
	for _, u := range []string{"alice@example.test", "bob@example.test"} {
		if _, err := d.Node(0).API("POST", "/api/v1/users", map[string]string{"email": u, "name": u, "password": password}, 201); err != nil {
			return err
		}
	}
	_, err := d.Node(0).API("POST", "/api/v1/groups", map[string]any{"id": "team", "name": "Team", "notify": false,
		"masters": []string{"alice@example.test"}, "members": []string{"bob@example.test"}}, 201)
	return err
}
