package groups

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
)

// OutboundItem is one recipient row of the outbound queue, claimed for
// delivery.
type OutboundItem struct {
	RID      int64
	OID      int64
	Rcpt     string
	Attempts int       // attempts before this one
	Created  time.Time // when the message was queued
	// Unsubscribe is the one-click unsubscribe token of an external
	// address's copy of a list post ("" for every other row): such a
	// copy carries its own List-Unsubscribe (RFC 8058), so it goes in a
	// transaction of its own (unsubscribe_token.go).
	Unsubscribe string
	kid, gid    int64 // the key row of Unsubscribe, and the post's group
}

// DueOutbound returns up to limit due rows (state queued, next_try at or
// before now) that are not in busy, ordered by message and recipient
// domain. busy is what the caller has in flight: the one queue of a
// database keeps that in memory, so that finding work is a read and
// leaves the single writer to posts and outcomes (a crashed run's rows
// are simply due again). On PostgreSQL, where several nodes run a queue,
// the rows are claimed for this node instead (mail_claim.go); busy is
// then not needed.
//
// listRate > 0 lets at most that many posts of one list start delivery in
// any hour; the rows of the others are put off until the hour has room.
func (s *Store) DueOutbound(ctx context.Context, now time.Time, limit, listRate int, busy map[int64]bool) ([]OutboundItem, error) {
	if listRate > 0 {
		if err := s.write(ctx, func(tx *wtx) error { return holdOverRate(ctx, tx, now.Unix(), listRate) }); err != nil {
			return nil, err
		}
	}
	if s.d.pg {
		return s.claimOutbound(ctx, now, limit, `r.state = 'queued' AND r.next_try <= ?`, "r.next_try, r.rid", now.Unix())
	}
	// Rows in flight are still queued: read past them.
	return s.dueRows(ctx, limit, busy, `WHERE r.state = 'queued' AND r.next_try <= ?
		ORDER BY r.next_try, r.rid LIMIT ?`, now.Unix(), limit+len(busy))
}

// DueOutboundAfter returns up to limit due rows above row id after, by
// row id: the rows queued since a caller that has taken every due row up
// to after last looked. It reads only those (the rows in flight below
// after are not read again), so that a busy queue's look for new work
// costs what is new; DueOutbound still finds retries and the rest.
func (s *Store) DueOutboundAfter(ctx context.Context, now time.Time, after int64, limit int) ([]OutboundItem, error) {
	if s.d.pg {
		return s.claimOutbound(ctx, now, limit, `r.rid > ? AND r.state = 'queued' AND r.next_try <= ?`, "r.rid", after, now.Unix())
	}
	// noIndex keeps SQLite on the row id range instead of the index of
	// all queued rows, most of them in flight.
	return s.dueRows(ctx, limit, nil, `WHERE r.rid > ? AND `+s.d.noIndex("r.state")+` = 'queued' AND `+
		s.d.noIndex("r.next_try")+` <= ? ORDER BY r.rid LIMIT ?`, after, now.Unix(), limit)
}

// dueRows reads queue rows chosen by where (with args), up to limit of
// them not in busy, sorted by message and recipient domain.
func (s *Store) dueRows(ctx context.Context, limit int, busy map[int64]bool, where string, args ...any) ([]OutboundItem, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT r.rid, r.oid, r.rcpt, r.attempts, o.created_at,
		COALESCE(o.gid, 0), COALESCE(`+unsubKidSQL("r.rcpt")+`, 0)
		FROM outbound_rcpts r JOIN outbound o ON o.oid = r.oid `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboundItem
	for rows.Next() && len(out) < limit {
		var it OutboundItem
		var created int64
		if err := rows.Scan(&it.RID, &it.OID, &it.Rcpt, &it.Attempts, &created, &it.gid, &it.kid); err != nil {
			return nil, err
		}
		if busy[it.RID] {
			continue
		}
		it.Created = unixTime(created)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortItems(out)
	return out, s.signItems(ctx, out)
}

// holdOverRate starts due posts of each list while the list has started
// fewer than rate posts in the last hour, and puts the rest off until then.
func holdOverRate(ctx context.Context, tx *wtx, now int64, rate int) error {
	type post struct{ oid, gid int64 }
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT o.oid, o.gid FROM outbound_rcpts r JOIN outbound o ON o.oid = r.oid
		WHERE r.state = 'queued' AND r.next_try <= ? AND o.kind = 'post' AND o.started_at = 0 AND o.gid IS NOT NULL
		ORDER BY o.oid`, now)
	if err != nil {
		return err
	}
	var posts []post
	for rows.Next() {
		var p post
		if err := rows.Scan(&p.oid, &p.gid); err != nil {
			rows.Close()
			return err
		}
		posts = append(posts, p)
	}
	rows.Close()
	for _, p := range posts {
		var started int
		var oldest int64
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(started_at), 0) FROM outbound
			WHERE gid = ? AND kind = 'post' AND started_at > ?`, p.gid, now-3600).Scan(&started, &oldest)
		if err != nil {
			return err
		}
		if started < rate {
			_, err = tx.ExecContext(ctx, `UPDATE outbound SET started_at = ? WHERE oid = ?`, now, p.oid)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE outbound_rcpts SET next_try = ? WHERE oid = ? AND state = 'queued'`,
				max(oldest+3600, now+1), p.oid)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sortItems orders by message, then recipient domain, then row.
func sortItems(items []OutboundItem) {
	slices.SortFunc(items, func(a, b OutboundItem) int {
		return cmp.Or(cmp.Compare(a.OID, b.OID), cmp.Compare(domainOf(a.Rcpt), domainOf(b.Rcpt)), cmp.Compare(a.RID, b.RID))
	})
}

// OutboundMessage is a queued message as the queue sends it.
type OutboundMessage struct {
	OID      int64
	MailFrom string // with VERP, the bounce base (AddressGrammar.BounceBase)
	VERP     bool
	Salt     string
	Kind     string // "post", "digest", "forward" or "notice"
	Data     []byte
}

// LoadOutbound reads queued message oid.
func (s *Store) LoadOutbound(ctx context.Context, oid int64) (*OutboundMessage, error) {
	m := &OutboundMessage{OID: oid}
	// An archived post's bytes are in the archive (outbound.mid).
	var mid, size sql.NullInt64
	err := s.rdb.QueryRowContext(ctx, `SELECT o.mail_from, o.verp, o.salt, o.kind, m.mid, m.size, COALESCE(m.data, o.data)
		FROM outbound o LEFT JOIN messages m ON m.mid = o.mid WHERE o.oid = ?`, oid).
		Scan(&m.MailFrom, &m.VERP, &m.Salt, &m.Kind, &mid, &size, &m.Data)
	if errors.Is(err, errNoRows) {
		return nil, errorf(ErrNotFound, "no queued message %d", oid)
	}
	if err == nil && mid.Valid { // a large post is in pieces (archive_pieces.go)
		m.Data, err = wholeMessage(ctx, s.rdb, mid.Int64, m.Data, size.Int64)
	}
	return m, err
}

// Delivery is the outcome of one transaction with the relay.
type Delivery struct {
	Sent   []int64   // rows the relay accepted
	Retry  []Attempt // temporary failures
	Failed []Attempt // permanent failures
	// Carried names, per transaction, the rows the relay accepted under
	// its VERP token, so that a bounce counts only for them (RecordBounce).
	Carried []Carried
}

// Carried is one transaction's accepted rows and its first row, whose id
// is in the VERP token of the envelope sender (OutboundMessage.Envelope).
type Carried struct {
	First int64
	Rows  []int64
}

// Attempt is a failed attempt for one row.
type Attempt struct {
	RID   int64
	Next  time.Time // Retry: when to try again
	Code  string    // enhanced status, e.g. "5.1.1"; "" when none
	Error string    // the relay's answer or the network error
	// Whole is set when the answer was to the whole transaction (MAIL,
	// DATA), not to this recipient: never counted as a bounce.
	Whole bool
}

// FinishDelivery records a transaction's outcome in one transaction.
// Permanent failures of a list post are reported to the group's masters,
// and counted as hard bounces of external members unless they are policy
// rejections (5.7.x); bounceLimit hard bounces disable one.
func (s *Store) FinishDelivery(ctx context.Context, d Delivery, bounceLimit int) error {
	return s.write(ctx, func(tx *wtx) error {
		// A row that went in a transaction of its own (an external
		// address's copy) carried itself: its txn is set with its state,
		// in one statement for them all, instead of one more write of
		// each row (a 100-address batch took 101 statements).
		alone := map[int64]bool{}
		var carried []Carried
		for _, c := range d.Carried {
			if len(c.Rows) == 1 && c.Rows[0] == c.First {
				alone[c.First] = true
			} else {
				carried = append(carried, c)
			}
		}
		var sent, sentAlone []Attempt
		for _, rid := range d.Sent {
			if alone[rid] {
				sentAlone = append(sentAlone, Attempt{RID: rid, Code: "2.0.0"})
			} else {
				sent = append(sent, Attempt{RID: rid, Code: "2.0.0"})
			}
		}
		if err := updateRows(ctx, tx, "state = 'sent', next_try = next_try", sent); err != nil {
			return err
		}
		if err := updateRows(ctx, tx, "state = 'sent', next_try = next_try, txn = rid", sentAlone); err != nil {
			return err
		}
		if err := markCarried(ctx, tx, carried); err != nil {
			return err
		}
		if err := updateRows(ctx, tx, "next_try = ?", d.Retry); err != nil {
			return err
		}
		if err := updateRows(ctx, tx, "state = 'failed', next_try = next_try", d.Failed); err != nil {
			return err
		}
		return s.reportFailures(ctx, tx, d.Failed, bounceLimit)
	})
}

// updateRows records attempts: rows with the same outcome (a batch that
// failed as a whole, every sent row) in one statement. set is the
// statement's own assignments; "?" in it takes the attempt's Next.
func updateRows(ctx context.Context, tx *wtx, set string, attempts []Attempt) error {
	type key struct {
		next       int64
		code, text string
	}
	groups := map[key][]any{}
	var order []key
	for _, a := range attempts {
		k := key{a.Next.Unix(), a.Code, clip(a.Error)}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], a.RID)
	}
	for _, k := range order {
		rids := groups[k]
		for len(rids) > 0 {
			chunk := rids[:min(len(rids), 500)]
			rids = rids[len(chunk):]
			args := []any{}
			if strings.Contains(set, "?") {
				args = append(args, k.next)
			}
			args = append(append(args, k.code, k.text), chunk...)
			_, err := tx.ExecContext(ctx, `UPDATE outbound_rcpts SET `+set+`, attempts = attempts + 1, lease = 0,
				code = ?, last_error = ? WHERE rid IN (`+marks(len(chunk))+`)`, args...)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func clip(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > 500 {
		return s[:500]
	}
	return s
}

// reportFailures tells the masters of each post's group which recipients
// failed for good, and counts the hard bounces.
func (s *Store) reportFailures(ctx context.Context, tx *wtx, failed []Attempt, bounceLimit int) error {
	type post struct {
		gid     int64
		subject string
		failed  []Failure
	}
	byOID := map[int64]*post{}
	var order []int64
	for _, a := range failed {
		var oid, gid int64
		var rcpt, subject string
		err := tx.QueryRowContext(ctx, `SELECT r.oid, r.rcpt, o.gid, o.subject FROM outbound_rcpts r
			JOIN outbound o ON o.oid = r.oid WHERE r.rid = ? AND o.kind IN ('post', 'digest') AND o.gid IS NOT NULL`, a.RID).
			Scan(&oid, &rcpt, &gid, &subject)
		if errors.Is(err, errNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if byOID[oid] == nil {
			byOID[oid] = &post{gid: gid, subject: subject}
			order = append(order, oid)
		}
		byOID[oid].failed = append(byOID[oid].failed, Failure{Rcpt: rcpt, Error: a.Error})
		if a.Whole {
			continue
		}
		if err := s.countBounce(ctx, tx, gid, rcpt, a.Code, a.Error, bounceLimit); err != nil {
			return err
		}
	}
	for _, oid := range order {
		p := byOID[oid]
		n := UndeliverableNotice{Subject: p.subject, Failures: p.failed}
		if err := s.noticeMasters(ctx, tx, p.gid, n, nil); err != nil {
			return err
		}
	}
	return nil
}

// PruneOutbound deletes queued messages older than before whose every
// recipient row is done (sent or failed) and that have no bundle left
// (mail_bundle.go), with their rows, and returns
// how many messages went. Bounces that come back later for them find no
// token and are refused as unknown.
func (s *Store) PruneOutbound(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM outbound WHERE created_at < ?
			AND NOT EXISTS (SELECT 1 FROM outbound_rcpts r WHERE r.oid = outbound.oid AND r.state = 'queued')
			AND NOT EXISTS (SELECT 1 FROM outbound_bundles b WHERE b.oid = outbound.oid)`, before.Unix())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
