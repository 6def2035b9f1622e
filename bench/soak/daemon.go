package main

import (
	"fmt"

	"groupd/internal/groupdproc"
)

// password is every seeded user's.
const password = "soak-password-1"

// daemon is the real groupd, run from its binary with every listener the
// soak drives on a free loopback port (internal/groupdproc).
type daemon struct{ *groupdproc.Proc }

func startDaemon(bin, dir, relay string) (*daemon, error) {
	p, err := groupdproc.Start(groupdproc.Options{Bin: bin, Root: dir, Relay: relay,
		Listen: []string{"smtp", "submission", "imap", "http"}})
	if err != nil {
		return nil, err
	}
	return &daemon{p}, nil
}

// seed creates alice (master), bob and members of the group "team" (SPEC
// §3): its list team@lists.example.test, calendar and folder.
func (d *daemon) seed(workers int) error {
	users := []string{"alice@example.test", "bob@example.test"}
	for i := range 10 {
		users = append(users, fmt.Sprintf("member%02d@example.test", i))
	}
	for _, u := range users {
		if _, err := d.API("POST", "/api/v1/users", map[string]string{"email": u, "name": u, "password": password}, 201); err != nil {
			return err
		}
	}
	_, err := d.API("POST", "/api/v1/groups", map[string]any{"id": "team", "name": "Team",
		"masters": []string{"alice@example.test"}, "members": users[1:]}, 201)
	return err
}
