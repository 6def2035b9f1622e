package groups

import (
	"context"
	"time"
)

// A Store is one node among those on a PostgreSQL database: what tells
// it apart from the others (claims of work in mail_claim.go, the change
// feed in feed_pg.go), and the work only one node may do at a time.

// NodeID is this Store's id among the nodes on its database
// (Options.NodeID). Its claims carry the id of its run: NodeID, "/" and
// a random suffix.
func (s *Store) NodeID() string { return s.opts.NodeID }

// startNode logs the node and takes back the claims an earlier run of
// the same node id left (PostgreSQL): a node restarted under its
// configured id resends its rows at once instead of after the lease.
// Node ids must differ between the processes on one database.
func (s *Store) startNode(ctx context.Context) error {
	prefix := s.opts.NodeID + "/"
	var n int64
	err := s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbound_rcpts SET lease = 0
			WHERE lease > 0 AND state = 'queued' AND substr(node, 1, ?) = ?`, len(prefix), prefix)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	s.log.Info("store node", "node", s.opts.NodeID, "run", s.node, "lease", s.opts.Lease, "claims_taken_back", n)
	return err
}

// Lease is how long a claim lasts without renewal: a queue renews its
// claims well within it.
func (s *Store) Lease() time.Duration { return s.opts.Lease }

// Clustered reports whether other nodes may share the database
// (PostgreSQL): then a node's temporary files go in a directory of its
// own (UploadDir).
func (s *Store) Clustered() bool { return s.d.pg }

// UploadDir is the directory under dir for this node's upload
// temporaries: dir itself on SQLite (one process), dir/<node id> on
// PostgreSQL, so that one node's clean-up at start never removes
// another's upload in progress.
func (s *Store) UploadDir(dir string) string {
	if !s.d.pg {
		return dir
	}
	return dir + "/" + s.opts.NodeID
}
