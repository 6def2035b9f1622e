package groups

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

// The change feed across nodes (PostgreSQL). Every write transaction
// that recorded changes also sends them with pg_notify on pgFeedChannel,
// before it commits: PostgreSQL delivers them at the commit, in commit
// order, and never for a transaction rolled back. Each node holds one
// LISTEN connection (pgListener) and publishes on its own feed what the
// other nodes committed; its own changes it has already published. When
// that connection drops, changes may have been missed: once it is back
// the node publishes ChangeResync, and forgets its cached logins.

const (
	pgFeedChannel = "groupd_changes"
	// pgNotifyMax bounds one notification's payload (PostgreSQL's limit
	// is 8000 bytes); a transaction's changes take as many as they need.
	pgNotifyMax = 7000
)

// pgNotice is one notification: changes of node.
type pgNotice struct {
	Node    string   `json:"n"`
	Changes []Change `json:"c"`
}

func newNodeID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// notifyChanges sends tx's changes to the other nodes (delivered when tx
// commits).
func (s *Store) notifyChanges(ctx context.Context, tx *wtx) error {
	for _, payload := range s.noticePayloads(tx.changes) {
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify(?, ?)`, pgFeedChannel, payload); err != nil {
			return err
		}
	}
	return nil
}

// noticePayloads encodes changes as few payloads of at most about
// pgNotifyMax bytes each.
func (s *Store) noticePayloads(changes []Change) []string {
	var out []string
	n := pgNotice{Node: s.node}
	size := 0
	flush := func() {
		if len(n.Changes) > 0 {
			b, _ := json.Marshal(n)
			out = append(out, string(b))
		}
		n.Changes, size = nil, 0
	}
	for _, c := range changes {
		b, _ := json.Marshal(c)
		if size+len(b) > pgNotifyMax-64 {
			flush()
		}
		n.Changes = append(n.Changes, c)
		size += len(b) + 1
	}
	flush()
	return out
}

// startListener opens the node's LISTEN connection, so that nothing
// committed after Open returns is missed, and serves it until Close.
func (s *Store) startListener(cfg *pgx.ConnConfig) error {
	ctx, cancel := context.WithCancel(context.Background())
	conn, err := pgListenConn(ctx, cfg)
	if err != nil {
		cancel()
		return err
	}
	s.listenStop, s.listenDone = cancel, make(chan struct{})
	go func() {
		defer close(s.listenDone)
		s.pgListen(ctx, cfg, conn)
	}()
	return nil
}

func pgListenConn(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+pgFeedChannel); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return conn, nil
}

// pgListen serves conn, and when it drops connects again (each second)
// until ctx ends. What a dropped connection may have missed is announced
// (ChangeResync) once the next one listens.
func (s *Store) pgListen(ctx context.Context, cfg *pgx.ConnConfig, conn *pgx.Conn) {
	for {
		err := s.pgServe(ctx, conn)
		conn.Close(context.WithoutCancel(ctx))
		for ctx.Err() == nil {
			s.log.Warn("change feed: the LISTEN connection dropped; connecting again", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			if conn, err = pgListenConn(ctx, cfg); err == nil {
				break
			}
		}
		if ctx.Err() != nil {
			return
		}
		s.auth.reset()
		s.feed.publish(Change{Kind: ChangeResync})
	}
}

// pgServe publishes what arrives on conn until it fails.
func (s *Store) pgServe(ctx context.Context, conn *pgx.Conn) error {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.pgDeliver(n.Payload)
	}
}

// pgDeliver publishes another node's changes on this node's feed.
func (s *Store) pgDeliver(payload string) {
	var n pgNotice
	if err := json.Unmarshal([]byte(payload), &n); err != nil {
		s.log.Warn("change feed: a notification that is not groupd's", "err", err)
		return
	}
	if n.Node == s.node {
		return // published at commit already
	}
	for _, c := range n.Changes {
		if c.Kind == ChangeSessionsEnded {
			s.auth.forget(c.User) // a login cached here must not outlive the change
		}
		s.feed.publish(c)
	}
}
