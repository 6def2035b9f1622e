package groups

import (
	"context"
	"strings"
	"time"
)

// Digests (issue 13). A post to a list that has digest recipients is
// kept in digest_posts, as its list copy went out. Each digest recipient
// (a member, or an external list address, in mode digest) has a mark,
// digested: the last post it has had. The digest worker (smtp.Digester)
// asks DueDigests who is due, reads their posts with DigestPosts, writes
// the MIME digest, and hands it to CommitDigest, which queues it and
// moves the mark in one transaction: a crash before the commit leaves
// the posts pending (the digest is made again), a crash after it leaves
// the queued digest, which the queue delivers once.

// digestRcptsSQL selects every digest recipient: kind 'm' (a member,
// key its uid) or 'x' (an external list address, key 0), its group, its
// address, its mark, and how far it is owed a last digest (0 for a
// recipient in digest mode: no end). A recipient that left digest mode
// with posts waiting is one until it has had them. An external address
// that is also a member is the member's; one disabled for bouncing gets
// no digest.
const digestRcptsSQL = `SELECT 'm' AS kind, m.gid AS gid, m.uid AS uid, u.email AS rcpt, m.digested AS digested,
	CASE WHEN m.delivery = 'digest' THEN 0 ELSE m.owed END AS upto
	FROM memberships m JOIN users u ON u.uid = m.uid WHERE ` + digestingSQL + `
	UNION ALL
	SELECT 'x', a.gid, 0, a.address, a.digested, CASE WHEN a.delivery = 'digest' THEN 0 ELSE a.owed END
	FROM list_addresses a WHERE a.kind = 'external' AND ` + digestingSQLa + digestExternalSQL

// digestingSQL is the condition on a membership m of a digest recipient
// (the predicate of the index memberships_digest); digestingSQLa the
// same on a list address a.
const (
	digestingSQL  = `(m.delivery = 'digest' OR m.owed > m.digested)`
	digestingSQLa = `(a.delivery = 'digest' OR a.owed > a.digested)`
)

// digestRcptsOfSQL is the marks of digestRcptsSQL for one group (args:
// gid, gid).
const digestRcptsOfSQL = `SELECT m.digested AS digested FROM memberships m WHERE m.gid = ? AND ` + digestingSQL + `
	UNION ALL
	SELECT a.digested FROM list_addresses a
	WHERE a.gid = ? AND a.kind = 'external' AND ` + digestingSQLa + digestExternalSQL

// digestExternalSQL leaves out the external addresses a (of digest
// recipients) that are members or disabled for bouncing.
const digestExternalSQL = `
	  AND NOT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.uid = m.uid WHERE m.gid = a.gid AND u.email = a.address)
	  AND NOT EXISTS (SELECT 1 FROM list_bounces b WHERE b.gid = a.gid AND b.address = a.address AND b.disabled = 1)`

// DigestJob is one recipient's digest of one list that is due.
type DigestJob struct {
	GroupID   string
	GroupName string
	List      string // the list address
	Rcpt      string
	Mark      int64 // the recipient's mark when the job was read
	Pending   int   // posts waiting
	Bytes     int64 // their size
	gid, uid  int64
	kind      string
	upto      int64 // the last post owed to a recipient that left digest mode; 0: no end
}

// DueDigests lists the digests due at now: a recipient's pending posts
// (above its mark) are due when the oldest was received before hour (the
// last digest hour, in the organisation's time zone, that is not after
// now) or when together they reach maxBytes.
func (s *Store) DueDigests(ctx context.Context, hour time.Time, maxBytes int64) ([]DigestJob, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT r.kind, r.gid, r.uid, r.rcpt, r.digested, r.upto, g.id, g.name, g.list_address,
		COUNT(*), SUM(p.size)
		FROM (`+digestRcptsSQL+`) r JOIN groups g ON g.gid = r.gid
		JOIN digest_posts p ON p.gid = r.gid AND p.did > r.digested AND (r.upto = 0 OR p.did <= r.upto)
		GROUP BY r.kind, r.gid, r.uid, r.rcpt, r.digested, r.upto, g.id, g.name, g.list_address
		HAVING MIN(p.received_at) < ? OR SUM(p.size) >= ?
		ORDER BY r.gid, r.rcpt`, hour.Unix(), maxBytes)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DigestJob
	for rows.Next() {
		var j DigestJob
		if err := rows.Scan(&j.kind, &j.gid, &j.uid, &j.Rcpt, &j.Mark, &j.upto, &j.GroupID, &j.GroupName, &j.List,
			&j.Pending, &j.Bytes); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// DigestWords are the words of a digest of n posts of group name made at
// date, in the organisation's language (Options.Notices): its subject,
// the heading of its table of contents, and its MIME preamble.
func (s *Store) DigestWords(name string, date time.Time, n int) (subject, contents, preamble string) {
	return s.notices.Digest(name, date, n)
}

// DigestPost is one post of a digest: its list copy.
type DigestPost struct {
	ID       int64
	Data     []byte
	Received time.Time
}

// DigestPosts reads job's pending posts in order, up to the first that
// brings their size to maxBytes (at least one), so that a digest stays
// near maxBytes and the rest go in the next one.
func (s *Store) DigestPosts(ctx context.Context, j *DigestJob, maxBytes int64) ([]DigestPost, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT did, data, received_at FROM digest_posts
		WHERE gid = ? AND did > ? AND (? = 0 OR did <= ?) ORDER BY did`, j.gid, j.Mark, j.upto, j.upto)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DigestPost
	var total int64
	for total < maxBytes && rows.Next() {
		var p DigestPost
		var at int64
		if err := rows.Scan(&p.ID, &p.Data, &at); err != nil {
			return nil, err
		}
		p.Received = unixTime(at)
		total += int64(len(p.Data))
		out = append(out, p)
	}
	return out, rows.Err()
}

// CommitDigest queues digest data for job's recipient and moves its mark
// to upTo (the last post in the digest), in one transaction. It reports
// false, queueing nothing, when the mark has moved since DueDigests read
// it (another node sent that digest) or the recipient left digest mode.
func (s *Store) CommitDigest(ctx context.Context, j *DigestJob, upTo int64, subject string, data []byte) (bool, error) {
	done := false
	err := s.write(ctx, func(tx *wtx) error {
		done = false
		moved, err := s.moveMark(ctx, tx, j, upTo)
		if err != nil || !moved {
			return err
		}
		row := outboundRow{from: s.opts.Addresses.BounceBase(j.List), gid: j.gid, kind: "digest", verp: true,
			salt: s.opts.Addresses.NewSalt(), subject: subject}
		if _, err := enqueueFor(ctx, tx, row, []string{j.Rcpt}, data); err != nil {
			return err
		}
		done = true
		return pruneDigestPosts(ctx, tx, j.gid)
	})
	return done, err
}

// moveMark sets job's recipient's mark from j.Mark to upTo, if it is
// still j.Mark and the recipient still a digest recipient.
func (s *Store) moveMark(ctx context.Context, tx *wtx, j *DigestJob, upTo int64) (bool, error) {
	q := `UPDATE memberships SET digested = ? WHERE gid = ? AND uid = ? AND digested = ? AND ` +
		strings.ReplaceAll(digestingSQL, "m.", "")
	args := []any{upTo, j.gid, j.uid, j.Mark}
	if j.kind == "x" {
		q = `UPDATE list_addresses SET digested = ? WHERE gid = ? AND kind = 'external' AND address = ?
			AND digested = ? AND ` + strings.ReplaceAll(digestingSQLa, "a.", "")
		args = []any{upTo, j.gid, j.Rcpt, j.Mark}
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// hasDigestRcpts says whether group gid has recipients in digest mode: a
// post to it is kept for their digests. (Those owed a last digest want
// none of the posts to come.)
func hasDigestRcpts(ctx context.Context, q querier, gid int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 AS one FROM memberships m WHERE m.gid = ? AND `+digestingSQL+`
		AND m.delivery = 'digest'
		UNION ALL
		SELECT 1 FROM list_addresses a WHERE a.gid = ? AND a.kind = 'external' AND `+digestingSQLa+`
		AND a.delivery = 'digest'`+digestExternalSQL+`) AS r`, gid, gid).Scan(&n)
	return n > 0, err
}

// keepForDigests stores post data of group gid for its digest recipients.
func keepForDigests(ctx context.Context, q querier, gid int64, data []byte, received time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO digest_posts (gid, data, size, received_at) VALUES (?, ?, ?, ?)`,
		gid, data, len(data), received.Unix())
	return err
}

// pruneDigestPosts deletes the posts of group gid that every digest
// recipient has had (all of them when none is left).
func pruneDigestPosts(ctx context.Context, tx *wtx, gid int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM digest_posts WHERE gid = ? AND did <= COALESCE(
		(SELECT MIN(r.digested) FROM (`+digestRcptsOfSQL+`) AS r), (SELECT MAX(did) FROM digest_posts))`,
		gid, gid, gid)
	return err
}
