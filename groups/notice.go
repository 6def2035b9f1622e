package groups

import "time"

// The notices the store sends, as facts. The store decides when a notice
// goes, to whom, and what it tells: the values below, which hold data
// only. Which sentences tell it, in which order and words, is
// internal/notice's (Notices.Render), so that no catalog key and no
// choice of wording is made here.

// Notice is one notice: a GroupNotice, JoinRequestNotice,
// JoinReplyNotice, HeldNotice, HeldReplyNotice, DisabledNotice,
// UndeliverableNotice or UnsubscribedNotice.
type Notice interface{ isNotice() }

// Events of a GroupNotice.
const (
	GroupCreated = "created"
	GroupEdited  = "edited"
	GroupDeleted = "deleted"
)

// GroupNotice is the Group notification (SPEC §1 Notifications), to the
// members of a group with notify on and to whom the change concerns.
type GroupNotice struct {
	Event string // GroupCreated, GroupEdited or GroupDeleted
	Group string // the group's name, after the change
	// By is who did it; the zero Person for the admin token. A Person
	// in a notice has the display name of the address's account, "" for
	// an address without one.
	By Person
	// With GroupCreated: the new group, and its masters and other
	// members, by address.
	New              *Group
	Masters, Members []Person
	// With GroupEdited, what changed (one of):
	Settings *SettingsChange // its settings
	Member   *MemberChange   // someone's membership
	External string          // an address added to the list's external members (a join request approved)
	Profile  bool            // its profile image
}

// SettingsChange is a group's settings before and after an edit.
type SettingsChange struct {
	Before, After *Group
	// Changed names the settings that differ, as the API's JSON does
	// ("name", "features.note", "mailing_list.moderation"), in the order
	// of Group's fields (changedSettings).
	Changed []string
	// Names are the display names of the accounts among the addresses
	// of Before's and After's MailingList.SendersAs.
	Names map[string]string
}

// MemberChange is Who's role in a group going from Before to After:
// "" (none), RoleMember or RoleMaster, never equal.
type MemberChange struct {
	Who           Person
	Before, After string
}

// JoinRequestNotice is a join request (SPEC §4, -join@) to the masters
// of the list.
type JoinRequestNotice struct {
	Group, List string // the group's name and list address
	From        Person // the requester
	// Subject and Text are the request's words ("" for none), Text cut
	// (Truncated) at MaxJoinText.
	Subject, Text string
	Truncated     bool
	Verified      bool   // the requester's address was proven
	Console       string // the console's page of the group's requests; "" without public_url
	API           string // the API's route of the request
}

// Events of a JoinReplyNotice.
const (
	JoinAcknowledged = "ack"      // the request was taken
	JoinAlreadyOn    = "already"  // the address is on the list already
	JoinApproved     = "approved" // a master approved it
	JoinDeclined     = "declined" // a master declined it
	JoinExpired      = "expired"  // nobody decided in time
)

// JoinReplyNotice tells a requester whose address was proven what
// became of their request.
type JoinReplyNotice struct {
	Event string // JoinAcknowledged...
	List  string // the list address the requester wrote to
	// Group is the group's name; "" for a private group, whose name only
	// its members may know.
	Group  string
	Reason string // a master's words; "" for none
}

// HeldNotice is a post held by the list's moderation, to the masters.
type HeldNotice struct {
	Group, List     string // the group's name and list address
	Sender, Subject string // the post's
	Verified        bool   // the sender's address was proven
	Console         string // the console's page of the held post; "" without public_url
	API             string // the API's route of the held post
}

// Events of a HeldReplyNotice.
const (
	HeldRejected = "rejected"
	HeldExpired  = "expired"
)

// HeldReplyNotice tells the author of a held post, whose address was
// proven, what became of it.
type HeldReplyNotice struct {
	Event   string // HeldRejected or HeldExpired
	List    string
	Subject string // the post's
	Reason  string // a master's words; "" for none
}

// DisabledNotice tells the masters that the list no longer sends to an
// external member whose mail bounced.
type DisabledNotice struct {
	List, Address    string
	Bounces          int    // hard bounces counted
	Code, Diagnostic string // the last bounce's status code and answer
}

// UndeliverableNotice tells the masters that a post of the list could
// not be delivered to some recipients.
type UndeliverableNotice struct {
	Subject  string // the post's
	Failures []Failure
}

// Failure is a recipient a post could not reach, and the answer.
type Failure struct{ Rcpt, Error string }

// UnsubscribedNotice is the masters' summary of the external addresses
// that left the list by its unsubscribe links.
type UnsubscribedNotice struct {
	Group, List string
	Removals    []Removal
}

// Removal is an address that left, when, and how: UnsubscribeWeb or
// UnsubscribeMail.
type Removal struct {
	Address string
	At      time.Time
	Via     string
}

func (GroupNotice) isNotice()         {}
func (JoinRequestNotice) isNotice()   {}
func (JoinReplyNotice) isNotice()     {}
func (HeldNotice) isNotice()          {}
func (HeldReplyNotice) isNotice()     {}
func (DisabledNotice) isNotice()      {}
func (UndeliverableNotice) isNotice() {}
func (UnsubscribedNotice) isNotice()  {}
