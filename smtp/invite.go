package smtp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"

	"groupd/groups"
	"groupd/internal/imip"
)

// invite puts the iMIP invitation (RFC 6047) that an accepted post p
// carries into the events calendar of the list's group: an iTIP REQUEST
// (RFC 5546 §3.2.2) creates or updates the event, a CANCEL (§3.2.5)
// removes it. The post is stored and fanned out whatever happens here:
// a calendar that cannot be read or stored is logged, never answered.
// The posting rule already passed, so only senders allowed to post get
// this far.
func (s *session) invite(ctx context.Context, m *message, p *groups.Post) {
	max := s.srv.opts.MaxInviteBytes
	// The list copy has the post's MIME structure: it saves reading the
	// spooled message whole again.
	inv, err := imip.Find(p.Data, max)
	if inv == nil {
		if err != nil {
			s.log.Warn("invitation not stored", "list", p.List, "from", p.Sender, "err", err)
		}
		return
	}
	if inv.Method != imip.Request && inv.Method != imip.Cancel {
		s.log.Debug("iTIP method ignored", "list", p.List, "method", inv.Method)
		return
	}
	cal, err := s.srv.opts.Store.ListCalendar(ctx, p.List)
	if err != nil {
		if errors.Is(err, groups.ErrNotFound) {
			s.log.Debug("invitation to a group without events", "list", p.List)
			return
		}
		s.log.Warn("invitation not stored", "list", p.List, "err", err)
		return
	}
	done, err := applyInvite(ctx, cal, inv, p.Sender, max)
	if err != nil {
		s.log.Warn("invitation not stored", "list", p.List, "uid", inv.UID, "method", inv.Method, "err", err)
		return
	}
	s.log.Info("invitation", "list", p.List, "uid", inv.UID, "method", inv.Method, "sequence", inv.Sequence, "outcome", done)
}

// applyInvite applies inv to cal and says what it did. An invitation
// older than the stored event (RFC 5546 §2.1.5) changes nothing; one
// about single instances only does not replace a stored event.
func applyInvite(ctx context.Context, cal *groups.Calendar, inv *imip.Invitation, sender string, max int64) (string, error) {
	name, err := cal.NameOfUID(ctx, inv.UID)
	if err != nil {
		return "", err
	}
	var old *groups.CalObject
	if name != "" {
		if old, err = cal.Get(ctx, name); err != nil {
			return "", err
		}
		if !inv.Supersedes(old.Data) {
			return "older than the stored event: ignored", nil
		}
		if !inv.Master {
			return "", errors.New("an update of single instances is not applied to a stored event")
		}
	}
	if inv.Method == imip.Cancel {
		if old == nil {
			return "no such event", nil
		}
		return "removed", cal.DeleteIf(ctx, old.Name, old.ETag, "")
	}
	data, err := inv.Object(sender)
	if err != nil {
		return "", err
	}
	if int64(len(data)) > max {
		return "", fmt.Errorf("the event is over %d bytes", max)
	}
	// The span is all time: a superset of the instances, always correct
	// for calendar-query candidates.
	put := groups.CalPut{UID: inv.UID, Data: data, First: math.MinInt64, Last: math.MaxInt64}
	if old == nil {
		put.Name, put.IfNoneMatch = inviteName(inv.UID), "*"
	} else {
		put.Name, put.IfMatch = old.Name, old.ETag
	}
	_, _, err = cal.Put(ctx, put)
	if old == nil && groups.IsPrecondition(err) {
		// Another object has the name (a client chose it): a name of its own.
		put.Name = hashName(inv.UID)
		_, _, err = cal.Put(ctx, put)
	}
	if err != nil {
		return "", err
	}
	if old == nil {
		return "created", nil
	}
	return "updated", nil
}

// inviteName is the resource name of a new event: its UID and ".ics", as
// CalDAV clients name theirs, or a hash of the UID when that is not a
// valid name.
func inviteName(uid string) string {
	if name := uid + ".ics"; groups.CheckCalName(name) == nil {
		return name
	}
	return hashName(uid)
}

func hashName(uid string) string {
	h := sha256.Sum256([]byte(uid))
	return "imip-" + hex.EncodeToString(h[:16]) + ".ics"
}
