package listaddr

import (
	"crypto/rand"
	"strconv"
	"strings"
)

// VERP (variable envelope return path): a post goes out with the envelope
// sender <local>-bounces+<token>@<domain>, so that a bounce names the
// recipient row it is about. The token is the row id in base 36 and the
// post's random salt, so that bounce addresses cannot be guessed.

const saltLen = 6

// NewSalt returns saltLen random lower-case letters and digits.
func NewSalt() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, saltLen)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// VERPToken is the token of recipient row rid of a post with salt.
func VERPToken(rid int64, salt string) string { return strconv.FormatInt(rid, 36) + salt }

// ParseVERPToken splits a token into its row id and salt.
func ParseVERPToken(token string) (rid int64, salt string, ok bool) {
	if len(token) <= saltLen {
		return 0, "", false
	}
	n := len(token) - saltLen
	rid, err := strconv.ParseInt(token[:n], 36, 64)
	if err != nil || rid <= 0 {
		return 0, "", false
	}
	return rid, strings.ToLower(token[n:]), true
}

// BounceBase is the envelope sender of a list's mail without a token:
// <local>-bounces@<domain>.
func BounceBase(list string) string {
	local, domain, _ := strings.Cut(list, "@")
	return local + "-bounces@" + domain
}

// ListOfBounceBase is the list address whose bounce base (BounceBase)
// is base.
func ListOfBounceBase(base string) string {
	local, domain, _ := strings.Cut(base, "@")
	local, _ = strings.CutSuffix(local, "-bounces")
	return local + "@" + domain
}

// VERPAddress puts token into the bounce base <local>-bounces@<domain>,
// shortening <local> so that the local part stays within 64 characters
// (RFC 5321 §4.5.3.1.1). The token alone finds the row again.
func VERPAddress(base, token string) string {
	local, domain, _ := strings.Cut(base, "@")
	list, _ := strings.CutSuffix(local, "-bounces")
	if room := 64 - len("-bounces+") - len(token); len(list) > room {
		list = list[:max(room, 1)]
	}
	return list + "-bounces+" + token + "@" + domain
}

// Kinds of hosted mail address (SPEC §4), as Split gives them; the
// groups store names them alike (groups.MailList, ...).
const (
	KindList    = "list"    // <local>@: the list; posts fan out
	KindOwner   = "owner"   // <local>-owner@: to the masters
	KindJoin    = "join"    // <local>-join@: a join request
	KindBounces = "bounces" // <local>-bounces+<token>@: bounces of a post
	KindRequest = "request" // <local>-request+<token>@: a master's decision on a held post
	// KindUnsubscribe: <local>-unsubscribe+<token>@, the mailto form of
	// an external address's one-click unsubscribe (RFC 2369 §3.2).
	KindUnsubscribe = "unsubscribe"
)

// Suffixes are the local-part suffixes of a list's companion addresses;
// no list address or group id may end in one.
func Suffixes() []string { return []string{"-owner", "-join", "-bounces", "-request"} }

// Token reads the local part of a bounce address of a post,
// <list>-bounces+<token> (KindBounces), of the request address of a
// held post, <list>-request+<token> (KindRequest), or of an unsubscribe
// address, <list>-unsubscribe+<token> (KindUnsubscribe); the list part
// may be shortened (VERPAddress, RequestAddress, UnsubscribeAddress), so
// only the token counts. ok is false for any other local part.
func Token(local string) (kind, token string, ok bool) {
	for _, k := range []string{KindBounces, KindRequest, KindUnsubscribe} {
		if i := strings.LastIndex(local, "-"+k+"+"); i >= 0 {
			return k, local[i+len(k)+2:], true
		}
	}
	return "", "", false
}

// Companion says what a hosted local part without a token is: a list
// (KindList, the local part itself) or one of its companions
// <list>-owner, <list>-join, <list>-bounces (their kind and <list>).
func Companion(local string) (kind, list string) {
	kind, list = KindList, local
	for _, c := range []struct{ suffix, kind string }{{"-owner", KindOwner}, {"-join", KindJoin}, {"-bounces", KindBounces}} {
		if b, found := strings.CutSuffix(local, c.suffix); found {
			kind, list = c.kind, b
		}
	}
	return kind, list
}

// RequestAddress is the address a master's decision on a held post goes
// to, <list>-request+<token>@<domain>, the list's local part shortened so
// that the whole stays within 64 characters (RFC 5321 §4.5.3.1.1): the
// token alone finds the post.
func RequestAddress(list, token string) string {
	local, domain, _ := strings.Cut(list, "@")
	if room := 64 - len("-request+") - len(token); len(local) > room {
		local = local[:max(room, 1)]
	}
	return local + "-request+" + token + "@" + domain
}

// UnsubscribeAddress is the mailto form of an external address's
// unsubscribe link, <list>-unsubscribe+<token>@<domain>, the list's local
// part shortened so that the whole stays within 64 characters (RFC 5321
// §4.5.3.1.1): the token alone names the list and the address.
func UnsubscribeAddress(list, token string) string {
	local, domain, _ := strings.Cut(list, "@")
	if room := 64 - len("-unsubscribe+") - len(token); len(local) > room {
		local = local[:max(room, 1)]
	}
	return local + "-unsubscribe+" + token + "@" + domain
}

// Grammar is this package as the groups store takes it
// (groups.AddressGrammar, Options.Addresses): the store stores and looks
// up the addresses and tokens, this package spells and reads them.
type Grammar struct{}

// Token is the package's Token.
func (Grammar) Token(local string) (kind, token string, ok bool) { return Token(local) }

// Companion is the package's Companion.
func (Grammar) Companion(local string) (kind, list string) { return Companion(local) }

// Suffixes is the package's Suffixes.
func (Grammar) Suffixes() []string { return Suffixes() }

// BounceBase is the package's BounceBase.
func (Grammar) BounceBase(list string) string { return BounceBase(list) }

// RequestAddress is the package's RequestAddress.
func (Grammar) RequestAddress(list, token string) string { return RequestAddress(list, token) }

// NewSalt is the package's NewSalt.
func (Grammar) NewSalt() string { return NewSalt() }

// ParseVERPToken is the package's ParseVERPToken.
func (Grammar) ParseVERPToken(token string) (int64, string, bool) { return ParseVERPToken(token) }
