package groups

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

// newSalt returns saltLen random lower-case letters and digits.
func newSalt() string {
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
