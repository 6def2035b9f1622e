package groups

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id's cost parameters.
type HashParams struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultHashParams follow OWASP's argon2id minimum (19 MiB, 2 passes).
func DefaultHashParams() HashParams { return HashParams{Time: 2, Memory: 19 * 1024, Threads: 1} }

// hashPassword returns an argon2id hash in the PHC string format.
func hashPassword(pw string, p HashParams) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword compares pw with a PHC argon2id hash in constant time.
func checkPassword(pw, hash string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var p HashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// authCache remembers recent successful logins so that a DAV client that
// sends Basic credentials with every request is not charged an argon2id
// hash each time. Keys are SHA-256 of a per-store secret, the email and
// the password; entries expire after authCacheTTL and are dropped when a
// password changes.
type authCache struct {
	mu     sync.Mutex
	secret [32]byte
	dummy  string
	m      map[[32]byte]authEntry
	flight authFlight
}

type authEntry struct {
	email   string
	expires time.Time
}

const authCacheTTL = 2 * time.Minute

func newAuthCache() *authCache {
	c := &authCache{m: map[[32]byte]authEntry{}}
	rand.Read(c.secret[:])
	return c
}

func (c *authCache) key(email, pw string) [32]byte {
	h := sha256.New()
	h.Write(c.secret[:])
	fmt.Fprintf(h, "%d:%s:", len(email), email)
	h.Write([]byte(pw))
	var k [32]byte
	copy(k[:], h.Sum(nil))
	return k
}

func (c *authCache) hit(email, pw string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[c.key(email, pw)]
	return ok && e.email == email && now.Before(e.expires)
}

func (c *authCache) add(email, pw string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 10000 {
		for k, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, k)
			}
		}
	}
	c.m[c.key(email, pw)] = authEntry{email: email, expires: now.Add(authCacheTTL)}
}

func (c *authCache) forget(email string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if e.email == email {
			delete(c.m, k)
		}
	}
}

// reset forgets every cached login (see ChangeResync).
func (c *authCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}
