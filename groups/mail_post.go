package groups

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Post is one accepted list message, as the mail server hands it over.
type Post struct {
	List      string    // the list address
	Sender    string    // the header From address, for the posting rule
	Data      []byte    // the message as it goes out (list headers added)
	MessageID string    // without angle brackets, for the archive
	Subject   string    // decoded, for failure reports
	Received  time.Time // when it was received
	// Unverified: Sender claims an internal address without proof (not a
	// trusted network or submission, no DKIM of its domain), so the
	// unverified rule applies (MayPostUnverified).
	Unverified bool
	// Verified: Sender's address is proven (trusted network, submission
	// or DKIM), so a notice about a held post may go to it (SPEC §4: no
	// backscatter).
	Verified bool
	// Hold: the mail server found a sender (the envelope's, or another
	// author's) whom the list's moderation holds, so the post is held
	// even when Sender's rule admits it.
	Hold bool
	// AsList: Sender sent it through submission with the list's own
	// address as From (senders_as, SPEC §4). A master's post sent so is
	// not held by moderation "all" (issue 13).
	AsList bool

	// Set by AcceptPosts.
	Recipients int   // how many addresses it fans out to
	ArchiveUID int64 // its UID in the archive, 0 when not archived
	Held       int64 // the held post's number when moderation held it, else 0
	Err        error // why this post was not stored (a *Refusal or another error)
}

// AcceptPosts stores posts in one transaction: for each, the message, one
// queue row per recipient (every member and external member once, disabled
// external members left out) and, when the group's message feature is on,
// the archive entry. The posting rule is checked again inside the
// transaction. A post that breaks a rule gets its Err and leaves nothing;
// the others are stored. The returned error means nothing was stored.
func (s *Store) AcceptPosts(ctx context.Context, posts []*Post) error {
	// Refusals are rare (the server asked the rule before): try the whole
	// batch without savepoints, and only when a post fails go again with
	// one savepoint per post.
	err := s.write(ctx, func(tx *wtx) error { return s.acceptAll(ctx, tx, posts, false) })
	if !errors.Is(err, errRetryWithSavepoints) {
		return err
	}
	return s.write(ctx, func(tx *wtx) error { return s.acceptAll(ctx, tx, posts, true) })
}

var errRetryWithSavepoints = errors.New("a post failed: retry with savepoints")

func (s *Store) acceptAll(ctx context.Context, tx *wtx, posts []*Post, savepoints bool) error {
	pol, err := s.policy(ctx, tx)
	if err != nil {
		return err
	}
	a := &acceptTx{tx: tx, q: tx, archiveOff: pol.disabledSet()[FeatureMessage], fanout: map[int64]int64{},
		digests: map[int64]bool{}, lists: map[string]*listRow{}, addrs: s.opts.Addresses}
	for i, p := range posts {
		p.Err, p.Recipients, p.ArchiveUID, p.Held = nil, 0, 0, 0
		if !savepoints {
			if p.Err = s.acceptPost(ctx, a, p); p.Err != nil {
				return errRetryWithSavepoints
			}
			continue
		}
		sp := fmt.Sprintf("post%d", i)
		if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
			return err
		}
		n := len(tx.changes)
		if p.Err = s.acceptPost(ctx, a, p); p.Err != nil {
			tx.changes = tx.changes[:n]
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO "+sp); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "RELEASE "+sp); err != nil {
			return err
		}
	}
	return nil
}

// acceptTx is what the posts of one AcceptPosts transaction share.
type acceptTx struct {
	tx *wtx
	// q runs the statements: the driver keeps each connection's prepared
	// statements (groups.openDB, _stmt_cache_size), so the mail path's
	// few statements are compiled once, not once per transaction as an
	// explicit Prepare would.
	q          querier
	archiveOff bool
	// fanout maps a group to the first post of this transaction stored
	// for it: the recipients of the next posts to that list are the same
	// (one snapshot), so their rows are copied from that post's rows
	// instead of being worked out again from the membership tables.
	fanout map[int64]int64
	// digests maps a group to whether it has digest recipients (one
	// snapshot, as fanout).
	digests map[int64]bool
	lists   map[string]*listRow // by address, read once per transaction
	addrs   AddressGrammar      // Options.Addresses: bounce addresses and salts
}

func (a *acceptTx) list(ctx context.Context, addr string) (*listRow, error) {
	if l, ok := a.lists[addr]; ok {
		return l, nil
	}
	l, err := loadListRow(ctx, a.q, addr)
	if err == nil {
		a.lists[addr] = l
	}
	return l, err
}

func (s *Store) acceptPost(ctx context.Context, a *acceptTx, p *Post) error {
	l, err := a.list(ctx, p.List)
	if err != nil {
		return err
	}
	rule := s.mayPost(ctx, a.q, l, normAddr(p.Sender))
	if p.Unverified {
		rule = s.mayPostUnverified(l, normAddr(p.Sender))
	}
	if l.holds(rule) || p.Hold && rule == nil && l.moderation != ModerateNone {
		asList, err := masterAsList(ctx, a.q, l, p, rule)
		if err != nil || !asList {
			if err == nil {
				p.Held, err = s.holdPost(ctx, a.tx, l, p)
			}
			return err
		}
	}
	if rule != nil {
		return rule
	}
	return a.deliver(ctx, l, p)
}

// deliver stores post p to list l as accepted now: the archive entry,
// the queue row and its fan-out.
func (a *acceptTx) deliver(ctx context.Context, l *listRow, p *Post) error {
	var err error
	// The archived copy first: the queue row then names it instead of
	// holding the same bytes again.
	var mid int64
	if l.message && !a.archiveOff {
		received := p.Received
		if received.IsZero() {
			received = a.tx.now
		}
		if p.ArchiveUID, mid, err = a.archivePost(ctx, l, received, p.MessageID, p.Data); err != nil {
			return err
		}
	}
	row, data := outboundRow{from: a.addrs.BounceBase(l.address), gid: l.gid, kind: "post", verp: true, salt: a.addrs.NewSalt(),
		subject: p.Subject, mid: mid}, p.Data
	if mid != 0 {
		data = []byte{}
	}
	var oid int64
	if first, ok := a.fanout[l.gid]; ok && a.tx.d.pg {
		oid, p.Recipients, err = a.queueCopied(ctx, first, row, data)
	} else if oid, err = insertOutboundQ(ctx, a.tx, a.q, row, data); err == nil {
		p.Recipients, err = a.recipients(ctx, l.gid, oid)
	}
	if err != nil {
		return err
	}
	if err := a.keepForDigests(ctx, l.gid, p); err != nil {
		return err
	}
	// Only a post that is kept is copied from (a refused one is rolled
	// back to its savepoint).
	if _, ok := a.fanout[l.gid]; !ok {
		a.fanout[l.gid] = oid
	}
	return nil
}

// recipients records the recipients of post oid to group gid's list as
// one bundle row (mail_bundle.go): the addresses, not a queue row each,
// so that acceptance writes one row per post whatever the list's size;
// the queue makes the rows when it has room for them (Store.Unbundle).
// The first post to a list in the transaction works them out; the
// others copy its bundle. A list without recipients gets no bundle.
func (a *acceptTx) recipients(ctx context.Context, gid, oid int64) (int, error) {
	var n int
	var err error
	if first, ok := a.fanout[gid]; ok {
		err = a.q.QueryRowContext(ctx, `INSERT INTO outbound_bundles (oid, rcpts, n)
			SELECT ?, rcpts, n FROM outbound_bundles WHERE oid = ? RETURNING n`, oid, first).Scan(&n)
	} else {
		err = a.q.QueryRowContext(ctx, `INSERT INTO outbound_bundles (oid, rcpts, n)
			SELECT ?1, b.rcpts, b.n FROM (SELECT `+a.tx.d.jsonArray("r.a")+` AS rcpts, COUNT(*) AS n
			FROM (`+recipientsSQL+`) AS r) AS b WHERE b.n > 0 RETURNING n`, oid, gid).Scan(&n)
	}
	if errors.Is(err, errNoRows) {
		return 0, nil
	}
	return n, err
}

// queueCopied is insertOutboundQ and recipients in one statement, on
// PostgreSQL (a data-modifying WITH: one round trip where there were
// two), for a post whose recipients are copied from post first, the
// batch's first post to the list; it returns the queue row and the
// number of recipients.
func (a *acceptTx) queueCopied(ctx context.Context, first int64, o outboundRow, data []byte) (oid int64, n int, err error) {
	err = a.q.QueryRowContext(ctx, `WITH
		o AS (`+insertOutboundSQL+`),
		b AS (INSERT INTO outbound_bundles (oid, rcpts, n) SELECT o.oid, f.rcpts, f.n
			FROM o, outbound_bundles f WHERE f.oid = ? RETURNING n)
		SELECT o.oid, COALESCE((SELECT b.n FROM b), 0) FROM o`,
		append(o.args(data, a.tx.unix()), first)...).Scan(&oid, &n)
	if err != nil {
		return 0, 0, err
	}
	a.tx.emit(Change{Kind: ChangeOutbound, Ref: oid})
	return oid, n, nil
}

// keepForDigests keeps post p of group gid for the group's digest
// recipients, if it has any (digest.go).
func (a *acceptTx) keepForDigests(ctx context.Context, gid int64, p *Post) error {
	has, ok := a.digests[gid]
	if !ok {
		var err error
		if has, err = hasDigestRcpts(ctx, a.q, gid); err != nil {
			return err
		}
		if a.digests == nil {
			a.digests = map[int64]bool{}
		}
		a.digests[gid] = has
	}
	if !has {
		return nil
	}
	received := p.Received
	if received.IsZero() {
		received = a.tx.now
	}
	return keepForDigests(ctx, a.q, gid, p.Data, received)
}

// recipientsSQL selects every member and external member of group ?2
// whose delivery mode is each (issue 13: digest recipients get the post
// in their digest, none gets no mail), once each, without the external
// members disabled for bouncing. An external address that is also a
// member goes by the member's mode. (The
// queue groups a claim's rows by domain; sorting here cost a fifth of a
// post's time.)
const recipientsSQL = `SELECT u.email AS a FROM memberships m JOIN users u ON u.uid = m.uid WHERE m.gid = ?2 AND m.delivery = 'each'
	UNION ALL
	SELECT address FROM list_addresses WHERE gid = ?2 AND kind = 'external' AND delivery = 'each'
	  AND address NOT IN (SELECT u.email FROM memberships m JOIN users u ON u.uid = m.uid WHERE m.gid = ?2)
	  AND address NOT IN (SELECT address FROM list_bounces WHERE gid = ?2 AND disabled = 1)`

func scanStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var x string
		if err := rows.Scan(&x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// outboundRow is the queue row of one message.
type outboundRow struct {
	from    string
	gid     int64 // 0 for none
	kind    string
	verp    bool
	salt    string // with verp: the post's salt (AddressGrammar.NewSalt)
	subject string
	mid     int64 // the archived copy holding the data; 0 for none
}

// insertOutboundSQL inserts a message row of the queue, with
// outboundRow.args, and returns its oid.
const insertOutboundSQL = `INSERT INTO outbound (mail_from, data, created_at, gid, kind, verp, salt, subject, mid)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING oid`

// args are the values of insertOutboundSQL for o with data, queued at
// now (unix seconds); a gid or mid of 0 is NULL.
func (o outboundRow) args(data []byte, now int64) []any {
	var gid, mid any
	if o.gid != 0 {
		gid = o.gid
	}
	if o.mid != 0 {
		mid = o.mid
	}
	return []any{o.from, data, now, gid, o.kind, o.verp, o.salt, o.subject, mid}
}

// insertOutbound inserts the message row of the queue, with the mail
// columns of schema 3 set, and announces it on the change feed.
func insertOutbound(ctx context.Context, tx *wtx, o outboundRow, data []byte) (int64, error) {
	return insertOutboundQ(ctx, tx, tx, o, data)
}

// insertOutboundQ is insertOutbound with the statement run on q.
func insertOutboundQ(ctx context.Context, tx *wtx, q querier, o outboundRow, data []byte) (int64, error) {
	var oid int64
	err := q.QueryRowContext(ctx, insertOutboundSQL, o.args(data, tx.unix())...).Scan(&oid)
	if err != nil {
		return 0, err
	}
	tx.emit(Change{Kind: ChangeOutbound, Ref: oid})
	return oid, nil
}

// enqueueFor queues data for rcpts and returns the new row's id (0 when
// there are no recipients).
func enqueueFor(ctx context.Context, tx *wtx, o outboundRow, rcpts []string, data []byte) (int64, error) {
	if len(rcpts) == 0 {
		return 0, nil
	}
	oid, err := insertOutbound(ctx, tx, o, data)
	if err != nil {
		return 0, err
	}
	for _, r := range rcpts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbound_rcpts (oid, rcpt, next_try) VALUES (?, ?, ?)`,
			oid, r, tx.unix()); err != nil {
			return 0, err
		}
	}
	return oid, nil
}

// masterAsList says whether p is a master's own post sent as the list
// (Post.AsList), which moderation "all" does not hold: "every post is
// held, including the masters' own unless they send as the list"
// (issue 13). Any other author's hold still holds it.
func masterAsList(ctx context.Context, q querier, l *listRow, p *Post, rule error) (bool, error) {
	if !p.AsList || p.Hold || rule != nil || l.moderation != ModerateAll {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? AND m.role = 'master' AND u.email = ?`, l.gid, normAddr(p.Sender)).Scan(&n)
	return n > 0, err
}
