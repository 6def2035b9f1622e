package groups

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strconv"
	"strings"
)

// Unsubscribe tokens (issue 13, RFC 8058). Each external address of a
// list has a key row, list_unsub_keys (kid, gid, address), made when the
// address is added and deleted when it is removed. Its token is
//
//	base36(kid) + base32(HMAC-SHA256(secret, kid, gid, address))[:24]
//
// in lower case, so that it survives a mail local part and a URL path
// as it is. The kid names the list and the address (the token stays
// short enough for <list>-unsubscribe+<token>@, RFC 5321 §4.5.3.1.1);
// the MAC, 120 bits under a secret only the database holds, is what
// makes a token unguessable: one that does not verify is missing, like
// any other. A removed and re-added address gets a new kid, so a link
// from before its removal is stale and removes nothing.

const unsubMACLen = 24 // base32 characters: 120 bits

var unsubEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// unsubSecret is the key every node signs tokens with, made by the first
// node that signs one (crypto/rand, 256 bits; create) and kept in
// unsubscribe_key. Checking a token never makes it (it may run inside a
// write transaction): without a key no token is valid, and the answer
// is nil.
func (s *Store) unsubSecret(ctx context.Context, create bool) ([]byte, error) {
	var h string
	err := s.rdb.QueryRowContext(ctx, `SELECT secret FROM unsubscribe_key WHERE one = 1`).Scan(&h)
	if errors.Is(err, errNoRows) && !create {
		return nil, nil
	}
	if errors.Is(err, errNoRows) {
		err = s.write(ctx, func(tx *wtx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO unsubscribe_key (one, secret) VALUES (1, ?)
				ON CONFLICT DO NOTHING`, rand.Text()+rand.Text()); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT secret FROM unsubscribe_key WHERE one = 1`).Scan(&h)
		})
	}
	if err != nil {
		return nil, err
	}
	return []byte(h), nil
}

// unsubToken is the token of key row kid, external address addr of group
// gid.
func unsubToken(secret []byte, kid, gid int64, addr string) string {
	return strconv.FormatInt(kid, 36) + unsubMAC(secret, kid, gid, addr)
}

func unsubMAC(secret []byte, kid, gid int64, addr string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("groupd unsubscribe\x00" + strconv.FormatInt(kid, 10) + "\x00" +
		strconv.FormatInt(gid, 10) + "\x00" + addr))
	return strings.ToLower(unsubEncoding.EncodeToString(m.Sum(nil))[:unsubMACLen])
}

// unsubTarget is what a token that verifies names.
type unsubTarget struct {
	kid, gid int64
	address  string
	list     *listRow
}

// verifyUnsub finds the external address token names, or ErrNotFound
// (the same for a malformed, forged or stale token).
func (s *Store) verifyUnsub(ctx context.Context, q querier, token string) (*unsubTarget, error) {
	missing := errorf(ErrNotFound, "no such unsubscribe link")
	token = strings.ToLower(token)
	if len(token) <= unsubMACLen || len(token) > unsubMACLen+13 {
		return nil, missing
	}
	n := len(token) - unsubMACLen
	kid, err := strconv.ParseInt(token[:n], 36, 64)
	if err != nil || kid <= 0 {
		return nil, missing
	}
	secret, err := s.unsubSecret(ctx, false)
	if err != nil || secret == nil {
		return nil, cmp.Or(err, missing)
	}
	t := &unsubTarget{kid: kid}
	var list string
	err = q.QueryRowContext(ctx, `SELECT k.gid, k.address, g.list_address FROM list_unsub_keys k
		JOIN groups g ON g.gid = k.gid
		JOIN list_addresses a ON a.gid = k.gid AND a.kind = 'external' AND a.address = k.address
		WHERE k.kid = ?`, kid).Scan(&t.gid, &t.address, &list)
	if errors.Is(err, errNoRows) {
		return nil, missing
	}
	if err != nil {
		return nil, err
	}
	if !hmac.Equal([]byte(token[n:]), []byte(unsubMAC(secret, kid, t.gid, t.address))) {
		return nil, missing
	}
	if t.list, err = loadListRow(ctx, q, list); err != nil {
		return nil, missing
	}
	return t, nil
}

// syncUnsubKeys gives every external address of group gid a key row and
// deletes the rows of addresses no longer external (saveListSets), so
// that an address removed and added again later gets a new token.
func syncUnsubKeys(ctx context.Context, tx *wtx, gid int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM list_unsub_keys WHERE gid = ? AND address NOT IN
		(SELECT address FROM list_addresses WHERE gid = ? AND kind = 'external')`, gid, gid); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO list_unsub_keys (gid, address)
		SELECT a.gid, a.address FROM list_addresses a WHERE a.gid = ? AND a.kind = 'external'
		AND NOT EXISTS (SELECT 1 FROM list_unsub_keys k WHERE k.gid = a.gid AND k.address = a.address)
		ORDER BY a.address`, gid)
	return err
}

// unsubKidSQL is the key row of the recipient r of a post or digest (of
// message o) when the recipient is an external address of its list and
// not also a member (members cannot leave, so their copies have no
// link); NULL otherwise. rcpt is the column naming the recipient's address.
func unsubKidSQL(rcpt string) string {
	return `(SELECT k.kid FROM list_unsub_keys k WHERE o.kind IN ('post', 'digest') AND k.gid = o.gid AND k.address = ` + rcpt + `
		AND NOT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.uid = m.uid WHERE m.gid = k.gid AND u.email = k.address))`
}

// signItems sets the Unsubscribe token of the claimed rows that have a
// key row (OutboundItem.kid, read with unsubKidSQL).
func (s *Store) signItems(ctx context.Context, items []OutboundItem) error {
	var secret []byte
	for i := range items {
		it := &items[i]
		if it.kid == 0 {
			continue
		}
		if secret == nil {
			var err error
			if secret, err = s.unsubSecret(ctx, true); err != nil {
				return err
			}
		}
		it.Unsubscribe = unsubToken(secret, it.kid, it.gid, it.Rcpt)
	}
	return nil
}
