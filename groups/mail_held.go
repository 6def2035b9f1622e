package groups

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"net/mail"
	"strconv"
	"strings"
)

// Moderation (issue 13): a list whose moderation holds a post (see
// listRow.holds) keeps it in held_posts, inside the transaction that
// would have accepted it, so it is on disk before the mail server's 250.
// A held post is in no archive and no queue, so it counts against no
// list rate; its masters get one notice. A master's decision (held.go)
// delivers it as if accepted then, or drops it.

// HeldPost is one post a list holds for its masters.
type HeldPost struct {
	N         int64  `json:"n"`          // its number, for the routes …/held/{n}
	Sender    string `json:"sender"`     // the author's address
	Verified  bool   `json:"verified"`   // the author's address is proven (trusted network, submission, DKIM)
	Subject   string `json:"subject"`    // decoded
	MessageID string `json:"message_id"` // without angle brackets
	Received  string `json:"received"`   // RFC 3339
	Size      int    `json:"size"`       // bytes of the message as it would go out
}

// holdPost stores p as held for list l and tells the masters; it
// returns the held post's number.
func (s *Store) holdPost(ctx context.Context, tx *wtx, l *listRow, p *Post) (int64, error) {
	received := p.Received
	if received.IsZero() {
		received = tx.now
	}
	var hid int64
	token := newHeldToken()
	err := tx.QueryRowContext(ctx, `INSERT INTO held_posts (gid, sender, verified, subject, message_id, token, data, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING hid`, l.gid, normAddr(p.Sender), p.Verified, p.Subject, p.MessageID,
		token, p.Data, received.Unix()).Scan(&hid)
	if err != nil {
		return 0, err
	}
	return hid, s.noticeHeld(ctx, tx, l, hid, token, p)
}

// newHeldToken is a held post's secret token: 128 random bits in
// lower-case base32 (RFC 4648 §6), 26 characters.
func newHeldToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// noticeHeld queues the one notice to the masters of list l about held
// post hid: the post attached, replies to its request address (a master
// answers "approve" or "reject <reason>"), and the console's page when
// public_url is set.
func (s *Store) noticeHeld(ctx context.Context, tx *wtx, l *listRow, hid int64, token string, p *Post) error {
	n := strconv.FormatInt(hid, 10)
	notice := HeldNotice{Group: l.name, List: l.address, Sender: p.Sender, Subject: p.Subject, Verified: p.Verified,
		API: "/api/v1/groups/" + l.id + "/held/" + n}
	if base := s.opts.PublicURL; base != "" {
		notice.Console = base + "/g/" + l.id + "/held/" + n
	}
	rcpts, err := masters(ctx, tx, l.gid)
	if err != nil {
		return err
	}
	replyTo := &mail.Address{Address: s.opts.Addresses.RequestAddress(l.address, token)}
	msg, err := s.composeNotice(tx, notice, replyTo, p.Data)
	if err != nil {
		return err
	}
	_, err = enqueueFor(ctx, tx, outboundRow{from: s.NoReplyAddress(), gid: l.gid, kind: "notice"}, rcpts, msg)
	return err
}

// noticeAuthor tells the author of a held post what became of it, when
// their address was verified; an unverified one gets nothing (SPEC §4:
// no backscatter to a forged sender).
func (s *Store) noticeAuthor(ctx context.Context, tx *wtx, h *heldRow, event, reason string) error {
	if !h.verified {
		s.log.Info("held post: author not told, address unverified", "list", h.list.address, "sender", h.sender, "event", event)
		return nil
	}
	n := HeldReplyNotice{Event: event, List: h.list.address, Subject: h.subject, Reason: reason}
	msg, err := s.composeNotice(tx, n, nil)
	if err != nil {
		return err
	}
	return enqueue(ctx, tx, s.NoReplyAddress(), []string{h.sender}, msg)
}

// resolveHeld is the request address of the held post with token.
func (s *Store) resolveHeld(ctx context.Context, addr, token string) (*MailTarget, error) {
	var id, name, list string
	var archive bool
	err := s.rdb.QueryRowContext(ctx, `SELECT g.id, g.name, g.list_address, g.f_message
		FROM held_posts h JOIN groups g ON g.gid = h.gid WHERE h.token = ?`, token).Scan(&id, &name, &list, &archive)
	if errors.Is(err, errNoRows) {
		return nil, errorf(ErrNotFound, "%s is not the address of a held post", addr)
	}
	if err != nil {
		return nil, err
	}
	return &MailTarget{Kind: MailRequest, Address: addr, List: list, GroupID: id, GroupName: name, Archive: archive, Token: token}, nil
}

// DecideHeldByMail applies a decision a master mailed to the request
// address of the held post with token. The mail server has verified
// master's address (as for a post from them); DecideHeld checks that
// they are a master of the group.
func (s *Store) DecideHeldByMail(ctx context.Context, token, master, action, reason string) error {
	var id string
	var hid int64
	err := s.rdb.QueryRowContext(ctx, `SELECT g.id, h.hid FROM held_posts h JOIN groups g ON g.gid = h.gid
		WHERE h.token = ?`, token).Scan(&id, &hid)
	if errors.Is(err, errNoRows) {
		return errorf(ErrNotFound, "no held post has this token")
	}
	if err != nil {
		return err
	}
	return s.DecideHeld(ctx, Actor{Email: normAddr(master)}, id, hid, action, reason)
}
