package groups

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// logName is how a login's user name goes into the log (issue 16 item
// 13): as given when it names an account, otherwise as "unknown:" and the
// first 8 hex digits of its SHA-256, so that a token or a password typed
// into the user field never reaches the log, while repeated attempts with
// one name can still be told apart.
func (s *Store) logName(ctx context.Context, email string) string {
	var one int
	err := s.rdb.QueryRowContext(ctx, `SELECT 1 FROM users WHERE email = ?`, email).Scan(&one)
	if err == nil {
		return email
	}
	sum := sha256.Sum256([]byte(email))
	return "unknown:" + hex.EncodeToString(sum[:4])
}
