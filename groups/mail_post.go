package groups

import (
	"context"
	"database/sql"
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

	// Set by AcceptPosts.
	Recipients int   // how many addresses it fans out to
	ArchiveUID int64 // its UID in the archive, 0 when not archived
	Err        error // why this post was not stored (a *Refusal or another error)
}

// AcceptPosts stores posts in one transaction: for each, the message, one
// queue row per recipient (every member and external member once, disabled
// external members left out) and, when the group's message feature is on,
// the archive entry. The posting rule is checked again inside the
// transaction. A post that breaks a rule gets its Err and leaves nothing;
// the others are stored. The returned error means nothing was stored.
func (s *Store) AcceptPosts(ctx context.Context, posts []*Post) error {
	return s.write(ctx, func(tx *wtx) error {
		pol, err := s.policy(ctx, tx)
		if err != nil {
			return err
		}
		disabled := pol.disabledSet()
		for i, p := range posts {
			p.Err, p.Recipients, p.ArchiveUID = nil, 0, 0
			sp := fmt.Sprintf("post%d", i)
			if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
				return err
			}
			n := len(tx.changes)
			if p.Err = s.acceptPost(ctx, tx, p, disabled[FeatureMessage]); p.Err != nil {
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
	})
}

func (s *Store) acceptPost(ctx context.Context, tx *wtx, p *Post, archiveOff bool) error {
	l, err := loadListRow(ctx, tx, p.List)
	if err != nil {
		return err
	}
	if err := s.mayPost(ctx, tx, l, normAddr(p.Sender)); err != nil {
		return err
	}
	rcpts, err := listRecipients(ctx, tx, l.gid)
	if err != nil {
		return err
	}
	if _, err := enqueueFor(ctx, tx, outboundRow{from: BounceBase(l.address), gid: l.gid, kind: "post",
		verp: true, subject: p.Subject}, rcpts, p.Data); err != nil {
		return err
	}
	p.Recipients = len(rcpts)
	if l.message && !archiveOff {
		received := p.Received
		if received.IsZero() {
			received = tx.now
		}
		if p.ArchiveUID, err = archiveTx(ctx, tx, l.id, received, p.MessageID, p.Data); err != nil {
			return err
		}
	}
	return nil
}

// listRecipients is every member and external member of group gid, once
// each, by domain (so the queue can batch a domain), without the external
// members disabled for bouncing.
func listRecipients(ctx context.Context, q querier, gid int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT a FROM (
		SELECT u.email AS a FROM memberships m JOIN users u ON u.uid = m.uid WHERE m.gid = ?1
		UNION
		SELECT address FROM list_addresses WHERE gid = ?1 AND kind = 'external'
		  AND address NOT IN (SELECT address FROM list_bounces WHERE gid = ?1 AND disabled = 1))
		ORDER BY substr(a, instr(a, '@') + 1), a`, gid)
	return scanStrings(rows, err)
}

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
	subject string
}

// enqueueFor queues data for rcpts with the mail columns of schema 3 set,
// and returns the new row's id (0 when there are no recipients).
func enqueueFor(ctx context.Context, tx *wtx, o outboundRow, rcpts []string, data []byte) (int64, error) {
	if len(rcpts) == 0 {
		return 0, nil
	}
	var gid any
	if o.gid != 0 {
		gid = o.gid
	}
	salt := ""
	if o.verp {
		salt = newSalt()
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO outbound (mail_from, data, created_at, gid, kind, verp, salt, subject)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, o.from, data, tx.unix(), gid, o.kind, o.verp, salt, o.subject)
	if err != nil {
		return 0, err
	}
	oid, _ := res.LastInsertId()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO outbound_rcpts (oid, rcpt, next_try) VALUES (?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	for _, r := range rcpts {
		if _, err := stmt.ExecContext(ctx, oid, r, tx.unix()); err != nil {
			return 0, err
		}
	}
	tx.emit(Change{Kind: ChangeOutbound, Ref: oid})
	return oid, nil
}
