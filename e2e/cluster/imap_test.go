package cluster

import (
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

const bob = "bob@example.test"

// smallTeam makes alice master and bob member of list team (through
// node A's API).
func smallTeam(t *testing.T, c *cluster) {
	t.Helper()
	user(t, c.a(), alice)
	user(t, c.b(), bob)
	as(t, c.a(), alice, "POST", "/api/v1/groups", map[string]any{"id": "team", "name": "Team",
		"members": []string{bob}, "notify": false}, 201)
}

// idler logs bob in on n, selects the team's mailbox and idles: EXISTS
// counts arrive on the channel; the client ends with the test.
func idler(t *testing.T, n *node) (<-chan uint32, *imapclient.Client) {
	t.Helper()
	exists := make(chan uint32, 16)
	c, err := imapclient.DialInsecure(n.Addr("imap"), &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists <- *d.NumMessages
			}
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(bob, "password1").Wait(); err != nil {
		t.Fatalf("IMAP login on node %s: %v", n.name, err)
	}
	if _, err := c.Select("Groups/Team", nil).Wait(); err != nil {
		t.Fatalf("select on node %s: %v", n.name, err)
	}
	if _, err := c.Idle(); err != nil {
		t.Fatal(err)
	}
	return exists, c
}

// TestClusterIdleAcrossNodes: a post accepted by node A's SMTP reaches an
// IMAP IDLE client on node B within 1 s.
func TestClusterIdleAcrossNodes(t *testing.T) {
	c := startCluster(t, startRelay(t, 0))
	smallTeam(t, c)
	exists, _ := idler(t, c.b())
	start := time.Now()
	post(t, c.a(), "across nodes")
	select {
	case n := <-exists:
		t.Logf("node B's IDLE client told of EXISTS %d %v after node A accepted the post", n, time.Since(start).Round(time.Millisecond))
		if n != 1 {
			t.Errorf("EXISTS %d, want 1", n)
		}
	case <-time.After(time.Second):
		t.Fatal("node B's IDLE client was not told of node A's post within 1 s")
	}
}

// TestClusterRemovedMemberCut: a member removed through node B's API is
// cut from the IMAP session he has open on node A.
func TestClusterRemovedMemberCut(t *testing.T) {
	c := startCluster(t, startRelay(t, 0))
	smallTeam(t, c)
	_, client := idler(t, c.a())
	start := time.Now()
	as(t, c.b(), alice, "DELETE", "/api/v1/groups/team/members/"+bob, nil, 204)
	select {
	case <-client.Closed():
		t.Logf("bob's session on node A ended %v after node B removed him", time.Since(start).Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		t.Fatal("bob's session on node A still open 5 s after node B removed him")
	}
}
