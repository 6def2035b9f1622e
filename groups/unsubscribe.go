package groups

import (
	"context"
	"time"
)

// One-click unsubscribe of external list addresses (issue 13, RFC 8058,
// RFC 2369 §3.2). External addresses are not members, so they may leave:
// each of their copies of a post carries a link and a mailto address
// with a token (unsubscribe_token.go) that removes that address from
// that list and nothing else. Members cannot leave (SPEC §1): their
// copies carry no link. The masters hear of removals in a daily summary
// (unsubscribe_summary.go).

// Ways an address unsubscribed, as the summary names them.
const (
	UnsubscribeWeb  = "web"  // POST to the link (RFC 8058)
	UnsubscribeMail = "mail" // mail to <list>-unsubscribe+<token>@
)

// Unsubscription is what an unsubscribe token names: an external address
// of a list.
type Unsubscription struct {
	Address   string // the external address
	List      string // the list's address
	GroupName string
}

// LookupUnsubscribe is the external address and list that token names,
// for the confirmation page of a GET: it changes nothing. A malformed,
// forged or stale token (the address has left or was removed since) is
// ErrNotFound, all alike.
func (s *Store) LookupUnsubscribe(ctx context.Context, token string) (*Unsubscription, error) {
	t, err := s.verifyUnsub(ctx, s.rdb, token)
	if err != nil {
		return nil, err
	}
	return t.unsubscription(), nil
}

// Unsubscribe removes the external address token names from its list at
// once (RFC 8058 §3.2: no further confirmation), records the removal for
// the masters' daily summary, with via (UnsubscribeWeb or
// UnsubscribeMail), and returns what was removed. A token that does not
// verify is ErrNotFound and changes nothing; so is a second use of the
// same token, the address being gone.
func (s *Store) Unsubscribe(ctx context.Context, token, via string) (*Unsubscription, error) {
	var out *Unsubscription
	err := s.write(ctx, func(tx *wtx) error {
		t, err := s.verifyUnsub(ctx, tx, token)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM list_addresses WHERE gid = ? AND kind = 'external' AND address = ?`,
			t.gid, t.address); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM list_unsub_keys WHERE kid = ?`, t.kid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO list_unsubscribes (gid, address, via, removed_at) VALUES (?, ?, ?, ?)`,
			t.gid, t.address, via, tx.unix()); err != nil {
			return err
		}
		tx.emit(Change{Kind: ChangeGroupUpdated, GroupID: t.list.id})
		out = t.unsubscription()
		return nil
	})
	if err == nil {
		s.log.Info("external address unsubscribed", "list", out.List, "address", out.Address, "via", via)
	}
	return out, err
}

func (t *unsubTarget) unsubscription() *Unsubscription {
	return &Unsubscription{Address: t.address, List: t.list.address, GroupName: t.list.name}
}

// resolveUnsubscribe is the mailto form of an unsubscribe link,
// <list>-unsubscribe+<token>@: a hosted address only while its token
// verifies, so that a forged one is refused at RCPT like any unknown
// address.
func (s *Store) resolveUnsubscribe(ctx context.Context, addr, token string) (*MailTarget, error) {
	t, err := s.verifyUnsub(ctx, s.rdb, token)
	if err != nil {
		return nil, errNoMailAddress(addr)
	}
	l := t.list
	return &MailTarget{Kind: MailUnsubscribe, Address: addr, List: l.address, GroupID: l.id, GroupName: l.name,
		Archive: l.message, Token: token}, nil
}

// UnsubscribeSummaryEvery is how often at most a list's masters are told
// of the addresses that left it.
const UnsubscribeSummaryEvery = 24 * time.Hour
