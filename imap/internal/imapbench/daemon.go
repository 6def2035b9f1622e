package main

import "groupd/internal/groupdproc"

// daemon is the real groupd, run from its binary with HTTP, SMTP and IMAP
// on free loopback ports (internal/groupdproc).
type daemon struct{ *groupdproc.Proc }

func startDaemon(bin, root, relay string) (*daemon, error) {
	p, err := groupdproc.Start(groupdproc.Options{Bin: bin, Root: root, Relay: relay,
		Listen: []string{"smtp", "imap", "http"}})
	if err != nil {
		return nil, err
	}
	return &daemon{p}, nil
}

// seed creates alice and bob and the group "team" (display name "Team",
// list team@lists.example.test) with alice master and bob member, over
// the admin API (SPEC §3).
func (d *daemon) seed() error {
	for _, u := range []string{"alice@example.test", "bob@example.test"} {
		if _, err := d.API("POST", "/api/v1/users", map[string]string{"email": u, "name": u, "password": password}, 201); err != nil {
			return err
		}
	}
	_, err := d.API("POST", "/api/v1/groups", map[string]any{"id": "team", "name": "Team", "notify": false,
		"masters": []string{"alice@example.test"}, "members": []string{"bob@example.test"}}, 201)
	return err
}
