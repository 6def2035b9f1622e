package groups

import (
	"context"
	"strings"
)

func (p *Policy) disabledSet() map[string]bool {
	m := map[string]bool{}
	for _, f := range p.DisabledFeatures {
		m[f] = true
	}
	return m
}

// policy reads the organisation policy.
func (s *Store) policy(ctx context.Context, q querier) (*Policy, error) {
	p := &Policy{DisabledFeatures: []string{}, ExternalAuthority: []string{}}
	var disabled string
	if err := q.QueryRowContext(ctx, `SELECT create_groups, disabled_features FROM policy WHERE one = 1`).
		Scan(&p.CreateGroups, &disabled); err != nil {
		return nil, err
	}
	if disabled != "" {
		p.DisabledFeatures = strings.Split(disabled, ",")
	}
	rows, err := q.QueryContext(ctx, `SELECT u.email FROM external_authority x JOIN users u ON u.uid = x.uid ORDER BY u.email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		p.ExternalAuthority = append(p.ExternalAuthority, e)
	}
	return p, rows.Err()
}

// GetPolicy reads the organisation policy. Admin only.
func (s *Store) GetPolicy(ctx context.Context, a Actor) (*Policy, error) {
	if !a.Admin {
		return nil, errorf(ErrDenied, "only administrators read the organisation policy")
	}
	return s.policy(ctx, s.rdb)
}

// SetPolicy replaces the organisation policy. Admin only. Disabling a
// feature keeps its data; it becomes unreachable until enabled or purged.
func (s *Store) SetPolicy(ctx context.Context, a Actor, p Policy) (*Policy, error) {
	if !a.Admin {
		return nil, errorf(ErrDenied, "only administrators change the organisation policy")
	}
	if p.CreateGroups != "everyone" && p.CreateGroups != "admins" {
		return nil, errorf(ErrInvalid, "create_groups must be everyone or admins, not %q", p.CreateGroups)
	}
	var disabled []string
	for _, f := range p.DisabledFeatures {
		if !contains(AllFeatures(), f) {
			return nil, errorf(ErrInvalid, "disabled_features: %q is not a feature (message, note, event, task, folder)", f)
		}
		if !contains(disabled, f) {
			disabled = append(disabled, f)
		}
	}
	holders, err := normEmails("external_authority", p.ExternalAuthority)
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, func(tx *wtx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE policy SET create_groups = ?, disabled_features = ? WHERE one = 1`,
			p.CreateGroups, strings.Join(disabled, ",")); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM external_authority`); err != nil {
			return err
		}
		for _, e := range holders {
			res, err := tx.ExecContext(ctx, `INSERT INTO external_authority (uid) SELECT uid FROM users WHERE email = ?`, e)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errorf(ErrInvalid, "external_authority: %s has no account", e)
			}
		}
		tx.emit(Change{Kind: ChangePolicy})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.policy(ctx, s.rdb)
}
