package web

import (
	"net/http"
	"sort"

	"groupd/groups"
)

// Delivery modes in the console (issue 13): on a group's "About" page a
// member chooses how they get the list's posts (each, digest, none); on
// the members page a master sets the mode of each external address. The
// rules are the store's (groups.Store.SetDelivery, SetExternalDelivery).

func (s *server) deliveryRoutes() {
	s.mux.Handle("POST /g/{id}/delivery", s.signedIn(s.setDelivery))
	s.mux.Handle("POST /g/{id}/external/delivery", s.signedIn(s.setExternalDelivery))
}

// deliveryModes are the choices, in the order the forms show them.
var deliveryModes = []string{groups.DeliverEach, groups.DeliverDigest, groups.DeliverNone}

// externalAddr is an external list address and its mode, for the
// masters' table.
type externalAddr struct {
	Address, Mode string
}

// setDelivery sets the signed-in member's own mode.
func (s *server) setDelivery(c *reqCtx) error {
	id := c.r.PathValue("id")
	if err := s.store.SetDelivery(c.r.Context(), c.actor(), id, c.r.PostFormValue("mode")); err != nil {
		return err
	}
	return c.redirect("/g/" + id + "?done=delivery")
}

// setExternalDelivery sets the mode of one external address; a master's
// refusal (an address that was removed meanwhile, a bad mode) comes back
// on the members page in words.
func (s *server) setExternalDelivery(c *reqCtx) error {
	id := c.r.PathValue("id")
	err := s.store.SetExternalDelivery(c.r.Context(), c.actor(), id, c.r.PostFormValue("address"), c.r.PostFormValue("mode"))
	if err != nil {
		if st := statusOf(err); (st == http.StatusNotFound && !isGroupGone(err)) || st == http.StatusUnprocessableEntity {
			return s.showMembers(c, st, &membersPage{Role: groups.RoleMember, Errors: []string{groups.Message(err)}})
		}
		return err
	}
	return c.redirect("/g/" + id + "/members?done=delivery")
}

// loadDelivery reads the signed-in member's mode into v (nothing for a
// non-member).
func (s *server) loadDelivery(c *reqCtx, v *groupView) error {
	if !v.IsMember {
		return nil
	}
	mode, err := s.store.Delivery(c.r.Context(), c.actor(), v.G.ID)
	v.Delivery, v.Modes = mode, deliveryModes
	return err
}

// loadExternal reads the external addresses and their modes for a
// master's members page.
func (s *server) loadExternal(c *reqCtx, p *membersPage) error {
	if !p.IsMaster {
		return nil
	}
	modes, err := s.store.ExternalDeliveries(c.r.Context(), c.actor(), p.G.ID)
	if err != nil {
		return err
	}
	for addr, mode := range modes {
		p.External = append(p.External, externalAddr{addr, mode})
	}
	sort.Slice(p.External, func(i, j int) bool { return p.External[i].Address < p.External[j].Address })
	p.Modes = deliveryModes
	return nil
}
