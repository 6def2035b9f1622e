package groups

import "context"

// Allowances is what the organisation policy lets an actor do when
// creating or editing groups, for forms that show it before a refusal.
type Allowances struct {
	// CreateGroups: the actor may create groups (policy create_groups).
	CreateGroups bool `json:"create_groups"`
	// External: the actor holds the external_groups authority.
	External bool `json:"external"`
	// DisabledFeatures are switched off organisation-wide.
	DisabledFeatures []string `json:"disabled_features"`
}

// AllowancesFor reads what the policy allows actor; any signed-in user
// may ask about themself.
func (s *Store) AllowancesFor(ctx context.Context, a Actor) (*Allowances, error) {
	if _, err := s.actorUID(ctx, a); err != nil {
		return nil, err
	}
	pol, err := s.policy(ctx, s.rdb)
	if err != nil {
		return nil, err
	}
	out := &Allowances{CreateGroups: a.Admin || pol.CreateGroups == "everyone", External: a.Admin,
		DisabledFeatures: pol.DisabledFeatures}
	for _, e := range pol.ExternalAuthority {
		if e == a.Email {
			out.External = true
		}
	}
	return out, nil
}
