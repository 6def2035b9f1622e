package groups

import (
	"context"
	"errors"
	"strings"
)

// Kinds of hosted mail address (SPEC §4).
const (
	MailList    = "list"    // <local>@: the list; posts fan out
	MailOwner   = "owner"   // <local>-owner@: to the masters
	MailJoin    = "join"    // <local>-join@: a join request
	MailBounces = "bounces" // <local>-bounces+<token>@: bounces of a post
	MailRequest = "request" // <local>-request+<token>@: a master's decision on a held post
	// MailUnsubscribe: <local>-unsubscribe+<token>@, an external
	// address's unsubscribe by mail (unsubscribe.go).
	MailUnsubscribe = "unsubscribe"
)

// MailTarget is what a hosted address is.
type MailTarget struct {
	Kind      string // MailList, MailOwner, MailJoin, MailBounces
	Address   string // the address asked for, lower-case
	List      string // the list address
	GroupID   string
	GroupName string
	Archive   bool     // the group's message feature is on
	Token     string   // MailBounces: the VERP token ("" without one); MailRequest: the held post's token; MailUnsubscribe: the unsubscribe token
	row       *listRow // the list's row as resolved, for MayPostTo in the same command
}

// Rules a post can break, in the order MayPost checks them.
const (
	RefuseNoList   = "no-list"  // the address is not (or no longer) a list
	RefuseDisabled = "disabled" // the mailing list is switched off
	RefuseExternal = "external" // block_external and the sender is outside
	RefuseMembers  = "members"  // send_restriction members, sender is not one
	RefuseListed   = "listed"   // send_restriction listed, sender not allowed
)

// Refusal is MayPost's answer when a sender may not post. It wraps
// ErrNotFound (RefuseNoList) or ErrDenied (the others).
type Refusal struct {
	Rule string // one of the Refuse* constants
	Msg  string // a sentence for the sender
	// Hold: the list's moderation holds such a post for its masters
	// instead (issue 13), so the mail server takes it and AcceptPosts
	// stores it as held.
	Hold bool
}

func (r *Refusal) Error() string { return r.Msg }
func (r *Refusal) Unwrap() error {
	if r.Rule == RefuseNoList {
		return ErrNotFound
	}
	return ErrDenied
}

// listRow is what the posting rule needs of a list.
type listRow struct {
	gid         int64
	id, name    string
	address     string
	enabled     bool
	restriction string
	blockExt    bool
	message     bool
	public      bool
	moderation  string
}

func loadListRow(ctx context.Context, q querier, addr string) (*listRow, error) {
	l := &listRow{}
	err := q.QueryRowContext(ctx, `SELECT gid, id, name, list_address, list_enabled, send_restriction,
		block_external, f_message, public, moderation FROM groups WHERE list_address = ?`, normAddr(addr)).
		Scan(&l.gid, &l.id, &l.name, &l.address, &l.enabled, &l.restriction, &l.blockExt, &l.message, &l.public, &l.moderation)
	if errors.Is(err, errNoRows) {
		return nil, &Refusal{Rule: RefuseNoList, Msg: normAddr(addr) + " does not exist"}
	}
	return l, err
}

// MayPost is the posting rule of a mailing list (SPEC §1, §4): whether
// sender may post to the list at address list. The mail server asks it
// twice, with the envelope sender at RCPT and with each header From
// address at DATA. nil means yes; a *Refusal says why not.
func (s *Store) MayPost(ctx context.Context, list, sender string) error {
	l, err := loadListRow(ctx, s.rdb, list)
	if err != nil {
		return err
	}
	return l.markHold(s.mayPost(ctx, s.rdb, l, normAddr(sender)))
}

// MayPostTo is MayPost for the list of a target ResolveMailAddress just
// gave, in the same SMTP command: it takes the list's row read then
// instead of reading it again (a round trip on PostgreSQL). The mail
// server asks it at RCPT; the transaction that accepts the post applies
// the rule again to the row as it is then.
func (s *Store) MayPostTo(ctx context.Context, t *MailTarget, sender string) error {
	if t.row == nil || t.Kind != MailList {
		return s.MayPost(ctx, t.List, sender)
	}
	return t.row.markHold(s.mayPost(ctx, s.rdb, t.row, normAddr(sender)))
}

// holds reports whether list l holds a post whose posting rule answered
// rule (issue 13): with moderation "all" every post the rule admits or
// refuses for who sent it; with "outsiders" those it refuses for who sent
// it. A list that is missing or switched off holds nothing.
func (l *listRow) holds(rule error) bool {
	var r *Refusal
	refused := errors.As(rule, &r)
	if refused && (r.Rule == RefuseNoList || r.Rule == RefuseDisabled) {
		return false
	}
	switch l.moderation {
	case ModerateAll:
		return rule == nil || refused
	case ModerateOutsiders:
		return refused
	}
	return false
}

// markHold sets Hold on a refusal that list l holds instead.
func (l *listRow) markHold(rule error) error {
	var r *Refusal
	if errors.As(rule, &r) && l.holds(rule) {
		r.Hold = true
	}
	return rule
}

func (s *Store) mayPost(ctx context.Context, q querier, l *listRow, sender string) error {
	if !l.enabled {
		return refuseDisabled(l)
	}
	if l.blockExt && !s.IsInternal(sender) {
		return &Refusal{Rule: RefuseExternal, Msg: l.address + " accepts mail only from addresses in " +
			joinOr(s.opts.InternalDomains)}
	}
	switch l.restriction {
	case SendAnyone:
		return nil
	case SendListed:
		if ok, err := inListSet(ctx, q, l.gid, "allowed", sender); ok || err != nil {
			return err
		}
		return &Refusal{Rule: RefuseListed, Msg: l.address + " accepts mail only from the senders its masters listed"}
	}
	// SendMembers: members, masters and external members.
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.uid = m.uid
		WHERE m.gid = ? AND u.email = ?`, l.gid, sender).Scan(&n)
	if err != nil || n > 0 {
		return err
	}
	if ok, err := inListSet(ctx, q, l.gid, "external", sender); ok || err != nil {
		return err
	}
	return &Refusal{Rule: RefuseMembers, Msg: l.address + " accepts mail only from members"}
}

func refuseDisabled(l *listRow) error {
	return &Refusal{Rule: RefuseDisabled, Msg: l.address + " is not accepting mail: its mailing list is switched off"}
}

func inListSet(ctx context.Context, q querier, gid int64, kind, addr string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM list_addresses WHERE address = ? AND kind = ? AND gid = ?`,
		addr, kind, gid).Scan(&n)
	return n > 0, err
}

func joinOr(list []string) string {
	if len(list) < 2 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
}

// ResolveMailAddress says what the hosted address addr is for mail from
// sender: a list, one of its companions (-owner, -join, -bounces) or a
// bounce address of one of its posts. An address that is none of these,
// or that belongs to a private group the sender may not know of (see
// mailVisible), is ErrNotFound with the same sentence.
func (s *Store) ResolveMailAddress(ctx context.Context, addr string, from Sender) (*MailTarget, error) {
	addr = normAddr(addr)
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || !s.IsHosted(domain) {
		return nil, errorf(ErrNotFound, "%s is not an address of this server", addr)
	}
	if kind, token, ok := s.opts.Addresses.Token(local); ok {
		switch kind {
		case MailBounces:
			return s.resolveBounce(ctx, addr, token)
		case MailUnsubscribe:
			return s.resolveUnsubscribe(ctx, addr, token)
		}
		return s.resolveHeld(ctx, addr, token)
	}
	kind, base := s.opts.Addresses.Companion(local)
	l, err := loadListRow(ctx, s.rdb, base+"@"+domain)
	if err != nil {
		var r *Refusal
		if errors.As(err, &r) {
			return nil, errNoMailAddress(addr)
		}
		return nil, err
	}
	if seen, err := s.mailVisible(ctx, s.rdb, l, from); !seen || err != nil {
		if err == nil {
			err = errNoMailAddress(addr)
		}
		return nil, err
	}
	return &MailTarget{Kind: kind, Address: addr, List: l.address, GroupID: l.id, GroupName: l.name, Archive: l.message, row: l}, nil
}

func (s *Store) resolveBounce(ctx context.Context, addr, token string) (*MailTarget, error) {
	rid, salt, ok := s.opts.Addresses.ParseVERPToken(token)
	var id, name, list string
	var archive bool
	err := s.rdb.QueryRowContext(ctx, `SELECT g.id, g.name, g.list_address, g.f_message
		FROM outbound_rcpts r JOIN outbound o ON o.oid = r.oid JOIN groups g ON g.gid = o.gid
		WHERE r.rid = ? AND o.salt = ? AND o.salt <> ''`, rid, salt).Scan(&id, &name, &list, &archive)
	if !ok || errors.Is(err, errNoRows) {
		return nil, errorf(ErrNotFound, "%s is not a bounce address of a current post", addr)
	}
	if err != nil {
		return nil, err
	}
	return &MailTarget{Kind: MailBounces, Address: addr, List: list, GroupID: id, GroupName: name, Archive: archive, Token: token}, nil
}
