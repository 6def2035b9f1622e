package groups

import (
	"context"
	"errors"
	"time"
)

// Join requests (issue 13): a mail to <list>-join@ (mail_join.go) is
// kept in join_requests until a master approves or declines it
// (join_decide.go) or it expires after mail.hold_days. One pending row
// per list and address: a repeated request is merged into it.

// JoinRequestsPerDay bounds the join requests taken from one address in
// any 24 hours, over all lists, new and merged alike. A request past it
// is accepted by the mail server (so that a sender learns nothing) but
// ignored and logged: no row, no notice to the masters, no
// acknowledgement. Five is more than a person asks in a day, and keeps
// one address from turning -join@ into a way to mail the masters of
// every list, or itself, without end.
const JoinRequestsPerDay = 5

// PendingJoin is one join request waiting for a master.
type PendingJoin struct {
	N         int64  `json:"n"`         // its number, for the routes …/requests/{n}
	Address   string `json:"address"`   // the requester's address
	Name      string `json:"name"`      // their display name; may be ""
	Subject   string `json:"subject"`   // of the newest request, decoded
	Text      string `json:"text"`      // the newest request's words (text/plain, at most MaxJoinText bytes)
	Truncated bool   `json:"truncated"` // Text is the beginning of longer words
	Verified  bool   `json:"verified"`  // some request came from a proven address (trusted network, DKIM, submission)
	First     string `json:"first"`     // RFC 3339: the first request
	Last      string `json:"last"`      // RFC 3339: the newest request
	Count     int    `json:"count"`     // how many requests were merged into this one
}

// admitJoin says whether request r to list l is taken. It is not, and
// is logged, when its address is one approval could not add (invalid,
// or of a mail domain groupd hosts: a list or a companion address as a
// member of another list would loop mail between them), when the
// address is over JoinRequestsPerDay, or when it is already on the list
// (joinAlreadyOn answers it).
func (s *Store) admitJoin(ctx context.Context, tx *wtx, l *listRow, r JoinMail) (bool, error) {
	if _, err := normEmail("address", r.Address); err != nil || s.IsHosted(domainOf(r.Address)) {
		s.log.Warn("join request ignored: not an address that can join", "list", l.address, "from", r.Address)
		return false, nil
	}
	if ok, err := s.joinRateOK(ctx, tx, r.Address); !ok || err != nil {
		if err == nil {
			s.log.Warn("join request ignored: too many from this address today", "list", l.address,
				"from", r.Address, "limit", JoinRequestsPerDay)
		}
		return false, err
	}
	on, err := knownSender(ctx, tx, l.gid, r.Address)
	if on && err == nil {
		err = s.joinAlreadyOn(ctx, tx, l, r)
	}
	return !on && err == nil, err
}

// joinRateOK records one request of addr and says whether it is within
// JoinRequestsPerDay; attempts older than a day are pruned first, so the
// table holds at most a day of rows.
func (s *Store) joinRateOK(ctx context.Context, tx *wtx, addr string) (bool, error) {
	cut := tx.now.Add(-24 * time.Hour).Unix()
	if _, err := tx.ExecContext(ctx, `DELETE FROM join_attempts WHERE at <= ?`, cut); err != nil {
		return false, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM join_attempts WHERE address = ?`, addr).Scan(&n); err != nil {
		return false, err
	}
	if n >= JoinRequestsPerDay {
		return false, nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO join_attempts (address, at) VALUES (?, ?)`, addr, tx.unix())
	return err == nil, err
}

// storeJoin stores request r to list l, or merges it into the pending
// request of the same address (newest subject, words and name, last
// time, count + 1; verified once any request was). It returns the
// request's number and whether it was merged. A merge that proves the
// address for the first time acknowledges the request then, which the
// unverified first one could not.
func (s *Store) storeJoin(ctx context.Context, tx *wtx, l *listRow, r JoinMail) (int64, bool, error) {
	var rid int64
	var verified bool
	err := tx.QueryRowContext(ctx, `SELECT rid, verified FROM join_requests WHERE gid = ? AND address = ?`,
		l.gid, r.Address).Scan(&rid, &verified)
	if err == nil {
		_, err = tx.ExecContext(ctx, `UPDATE join_requests SET name = ?, subject = ?, words = ?, truncated = ?,
			verified = ?, last_at = ?, n_requests = n_requests + 1 WHERE rid = ?`,
			r.Name, r.Subject, r.Text, r.Truncated, verified || r.Verified, tx.unix(), rid)
		s.log.Info("join request merged into a pending one", "list", l.address, "from", r.Address, "n", rid)
		if err == nil && r.Verified && !verified {
			err = s.tellRequester(ctx, tx, l, r.Address, JoinAcknowledged, "")
		}
		return rid, true, err
	}
	if !errors.Is(err, errNoRows) {
		return 0, false, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO join_requests (gid, address, name, subject, words, truncated, verified,
		first_at, last_at, n_requests) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING rid`,
		l.gid, r.Address, r.Name, r.Subject, r.Text, r.Truncated, r.Verified, tx.unix(), tx.unix()).Scan(&rid)
	return rid, false, err
}

// joinAlreadyOn answers a request from an address that is already a
// member or an external member of the list: no request is stored and
// the masters hear nothing; a verified requester is told they are on the
// list already (an unverified one nothing: no backscatter).
func (s *Store) joinAlreadyOn(ctx context.Context, tx *wtx, l *listRow, r JoinMail) error {
	s.log.Info("join request from an address already on the list: no request", "list", l.address,
		"from", r.Address, "verified", r.Verified)
	if !r.Verified {
		return nil
	}
	return s.tellRequester(ctx, tx, l, r.Address, JoinAlreadyOn, "")
}

// tellRequester queues the notice of event (JoinAcknowledged...) to a
// requester whose address is proven; the caller checks that. reason is
// a master's words, "" for none. A private group is named to them by the
// address they wrote to, not by its name, which only members may know.
func (s *Store) tellRequester(ctx context.Context, tx *wtx, l *listRow, addr, event, reason string) error {
	n := JoinReplyNotice{Event: event, List: l.address, Reason: reason}
	if l.public {
		n.Group = l.name
	}
	msg, err := s.composeNotice(tx, n, nil)
	if err != nil {
		return err
	}
	_, err = enqueueFor(ctx, tx, outboundRow{from: s.NoReplyAddress(), gid: l.gid, kind: "notice"}, []string{addr}, msg)
	return err
}

// ListJoinRequests lists the pending join requests of group id, oldest
// first: for its masters and admins only (others get what Authorize
// says: a private group is missing to an outsider, a member is denied).
func (s *Store) ListJoinRequests(ctx context.Context, a Actor, id string) ([]PendingJoin, error) {
	acc, err := s.Authorize(ctx, a, id, ActManage, "")
	if err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+joinColumns+` FROM join_requests WHERE gid = ? ORDER BY rid`, acc.gid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []PendingJoin{}
	for rows.Next() {
		j, err := scanJoin(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *j)
	}
	return out, rows.Err()
}

// GetJoinRequest is pending join request n of group id, as
// ListJoinRequests lists it.
func (s *Store) GetJoinRequest(ctx context.Context, a Actor, id string, n int64) (*PendingJoin, error) {
	acc, err := s.Authorize(ctx, a, id, ActManage, "")
	if err != nil {
		return nil, err
	}
	j, err := scanJoin(s.rdb.QueryRowContext(ctx, `SELECT `+joinColumns+` FROM join_requests WHERE gid = ? AND rid = ?`, acc.gid, n))
	if errors.Is(err, errNoRows) {
		return nil, errJoinNotFound(n)
	}
	return j, err
}

func errJoinNotFound(n int64) error {
	return errorf(ErrNotFound, "no join request %d in this group", n)
}

// joinColumns are what scanJoin reads.
const joinColumns = `rid, address, name, subject, words, truncated, verified, first_at, last_at, n_requests`

func scanJoin(r interface{ Scan(...any) error }) (*PendingJoin, error) {
	var j PendingJoin
	var first, last int64
	if err := r.Scan(&j.N, &j.Address, &j.Name, &j.Subject, &j.Text, &j.Truncated, &j.Verified, &first, &last, &j.Count); err != nil {
		return nil, err
	}
	j.First = unixTime(first).UTC().Format(time.RFC3339)
	j.Last = unixTime(last).UTC().Format(time.RFC3339)
	return &j, nil
}
