package groups

import "context"

// SharedAdminToken returns the admin token every node on the database
// accepts (PostgreSQL): the token already stored, or candidate when there
// is none yet (the first node to start stores its own). On SQLite the
// token stays in the daemon's data_dir alone: candidate is returned.
//
// The token itself is stored, not a hash of it: each node writes it to
// its data_dir for the operator, and whoever can read this database can
// change every row of it anyway.
func (s *Store) SharedAdminToken(ctx context.Context, candidate string) (string, error) {
	if !s.d.pg {
		return candidate, nil
	}
	var tok string
	err := s.write(ctx, func(tx *wtx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO admin_token (one, token) VALUES (1, ?)
			ON CONFLICT DO NOTHING`, candidate); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT token FROM admin_token WHERE one = 1`).Scan(&tok)
	})
	return tok, err
}
