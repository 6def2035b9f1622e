package groups

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// MinConvertParticipants is how many of the organisation's people, the
// caller included, a conversation needs to become a group (SPEC §3).
const MinConvertParticipants = 3

// ConvertedMessage is one message of a conversation being turned into a
// group: its date (the archive's received time), its Message-ID without
// angle brackets, its decoded Subject, and the raw RFC 5322 message.
type ConvertedMessage struct {
	Date      time.Time
	MessageID string
	Subject   string
	Data      []byte
}

// ConvertConversation turns an email conversation into a group (SPEC §3,
// POST /api/v1/groups/convert). Of the participants (the addresses in the
// messages' From, To and Cc), those in the internal domains that have an
// account become members; there must be at least MinConvertParticipants of
// them and the caller must be one. The caller becomes master. The group is
// named spec.Name, or after the first message's subject. The messages seed
// the archive in date order. Everything happens in one transaction: on any
// error nothing is created. The group obeys every rule of CreateGroup.
func (s *Store) ConvertConversation(ctx context.Context, a Actor, spec GroupSpec, participants []string, msgs []ConvertedMessage) (*Group, error) {
	if a.Email == "" {
		return nil, errorf(ErrInvalid, "a conversation is converted by one of its participants: log in as yourself, not with the admin token")
	}
	if spec.Masters != nil || spec.Members != nil {
		return nil, errorf(ErrInvalid, "a converted group's members are the conversation's participants; masters and members cannot be given")
	}
	if len(msgs) == 0 {
		return nil, errorf(ErrInvalid, "the conversation holds no messages")
	}
	sorted := append([]ConvertedMessage(nil), msgs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Date.Before(sorted[j].Date) })
	if spec.Name == nil {
		name := nameFromSubject(sorted[0].Subject)
		spec.Name = &name
	}
	var id string
	err := s.write(ctx, func(tx *wtx) error {
		members, err := s.convertMembers(ctx, tx, a, participants)
		if err != nil {
			return err
		}
		spec.Masters, spec.Members = []string{a.Email}, members
		if id, err = s.createGroupTx(ctx, tx, a, spec); err != nil {
			return err
		}
		if spec.Features != nil && spec.Features.Message != nil && !*spec.Features.Message {
			return errorf(ErrInvalid, "a converted group needs the message feature to hold the conversation")
		}
		for _, m := range sorted {
			if _, err := s.archiveTx(ctx, tx, id, m.Date, m.MessageID, m.Data); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetGroup(ctx, a, id)
}

// convertMembers returns the distinct internal participants with an
// account other than the caller, after checking that with the caller they
// number at least MinConvertParticipants.
func (s *Store) convertMembers(ctx context.Context, tx *wtx, a Actor, participants []string) ([]string, error) {
	seen := map[string]bool{}
	var others []string
	caller := false
	for _, p := range participants {
		e := normAddr(p)
		if seen[e] || !s.IsInternal(e) {
			continue
		}
		seen[e] = true
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = ?`, e).Scan(&n); err != nil {
			return nil, err
		}
		switch {
		case n == 0:
		case e == a.Email:
			caller = true
		default:
			others = append(others, e)
		}
	}
	if !caller {
		return nil, errorf(ErrInvalid, "you (%s) are not among the conversation's participants; only a participant may turn it into a group", a.Email)
	}
	if len(others)+1 < MinConvertParticipants {
		return nil, errorf(ErrInvalid, "a conversation becomes a group only with at least %d participants from the organisation who have accounts, you included; this one has %d",
			MinConvertParticipants, len(others)+1)
	}
	sort.Strings(others)
	return others, nil
}

// nameFromSubject makes a group name of a subject: reply and forward
// prefixes dropped, cut to MaxNameChars characters; "Conversation" when
// nothing is left.
func nameFromSubject(subject string) string {
	s := strings.Join(strings.Fields(subject), " ")
	for {
		lower := strings.ToLower(s)
		cut := false
		for _, p := range []string{"re:", "fwd:", "fw:", "aw:", "wg:", "tr:"} {
			if strings.HasPrefix(lower, p) {
				s, cut = strings.TrimSpace(s[len(p):]), true
				break
			}
		}
		if !cut {
			break
		}
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if utf8.RuneCountInString(s) > MaxNameChars {
		s = string([]rune(s)[:MaxNameChars])
	}
	if strings.TrimSpace(s) == "" || checkName(s) != nil {
		return "Conversation"
	}
	return strings.TrimSpace(s)
}
