package groups

// A group's features as they are in force and as its masters chose them.
// The organisation policy may switch a feature off everywhere (SPEC §1
// Policy); a master's choice for it is kept, and is in force again when
// the policy lets the feature back. The store keeps the choices (the
// f_* columns); the group's JSON shows both:
//
//	"features":        what is in force: the choice, and not off by policy;
//	"features_chosen": the masters' own choice.

// inForce turns off the features the policy disables, keeping the choice
// in g.FeaturesChosen.
func inForce(g *Group, disabled map[string]bool) {
	g.FeaturesChosen = g.Features
	for _, f := range AllFeatures() {
		if disabled[f] {
			g.Features.Set(f, false)
		}
	}
}

// keepChosen drops from an edit the features the policy disables that it
// sets to false. Such a feature reads as off ("features"), so a client
// that writes back what it read does not thereby erase the master's
// choice. Turning one on is still refused (applyFeatures). It returns a
// copy; the caller's spec is left alone.
func keepChosen(pol *Policy, spec *FeatureSpec) *FeatureSpec {
	if spec == nil {
		return nil
	}
	out := *spec
	disabled := pol.disabledSet()
	fields := map[string]**bool{FeatureMessage: &out.Message, FeatureNote: &out.Note,
		FeatureEvent: &out.Event, FeatureTask: &out.Task, FeatureFolder: &out.Folder}
	for name, v := range fields {
		if disabled[name] && *v != nil && !**v {
			*v = nil
		}
	}
	return &out
}
