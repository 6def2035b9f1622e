package groups

import "time"

// Feature names, as in SPEC §1 and the API.
const (
	FeatureMessage = "message"
	FeatureNote    = "note"
	FeatureEvent   = "event"
	FeatureTask    = "task"
	FeatureFolder  = "folder"
)

// AllFeatures lists the features in their canonical order.
func AllFeatures() []string {
	return []string{FeatureMessage, FeatureNote, FeatureEvent, FeatureTask, FeatureFolder}
}

// Roles of a member.
const (
	RoleMaster = "master"
	RoleMember = "member"
)

// Send restrictions of a mailing list.
const (
	SendAnyone  = "anyone"
	SendMembers = "members"
	SendListed  = "listed"
)

// Moderation of a mailing list (issue 13): which posts are held for the
// masters instead of going out.
const (
	ModerateNone      = "none"      // no post is held (the default)
	ModerateOutsiders = "outsiders" // a post the send rules would refuse is held instead
	ModerateAll       = "all"       // every post is held
)

// Actor is who asks: an admin (the admin token, or a user with the admin
// flag) or a user by email. The zero Actor is nobody.
type Actor struct {
	Email string // lower-case; empty for the admin token
	Admin bool
	// AppPassword: the actor signed in with an app password, which is for
	// mail, calendar and file apps only: it cannot manage the account.
	AppPassword bool
	uid         int64 // the account's row, when known (UserActor): saves a look-up
}

// AdminActor is the actor of the admin token.
func AdminActor() Actor { return Actor{Admin: true} }

// UserActor is the actor for an authenticated user.
func UserActor(u *User) Actor {
	return Actor{Email: u.Email, Admin: u.Admin, AppPassword: u.ViaAppPassword, uid: u.uid}
}

// User is an account of the organisation. The password hash never leaves
// the store.
type User struct {
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Admin    bool      `json:"admin"`
	External bool      `json:"external"` // address outside internal_domains
	Created  time.Time `json:"created"`
	// ViaAppPassword: this User came from a login with an app password.
	ViaAppPassword bool  `json:"-"`
	uid            int64 // its row (userByEmail), for UserActor
}

// Features says which features a group has switched on.
type Features struct {
	Message bool `json:"message"`
	Note    bool `json:"note"`
	Event   bool `json:"event"`
	Task    bool `json:"task"`
	Folder  bool `json:"folder"`
}

// On reports whether the named feature is on.
func (f Features) On(name string) bool {
	switch name {
	case FeatureMessage:
		return f.Message
	case FeatureNote:
		return f.Note
	case FeatureEvent:
		return f.Event
	case FeatureTask:
		return f.Task
	case FeatureFolder:
		return f.Folder
	}
	return false
}

// Set switches the named feature.
func (f *Features) Set(name string, on bool) {
	switch name {
	case FeatureMessage:
		f.Message = on
	case FeatureNote:
		f.Note = on
	case FeatureEvent:
		f.Event = on
	case FeatureTask:
		f.Task = on
	case FeatureFolder:
		f.Folder = on
	}
}

// AllOn is every feature switched on, the default of a new group.
func AllOn() Features { return Features{true, true, true, true, true} }

// MailingList is a group's list settings.
type MailingList struct {
	Enabled         bool     `json:"enabled"`
	Address         string   `json:"address"`
	ExternalMembers []string `json:"external_members"`
	SendersAs       []string `json:"senders_as"`
	SendRestriction string   `json:"send_restriction"`
	Allowed         []string `json:"allowed"`
	BlockExternal   bool     `json:"block_external"`
	Moderation      string   `json:"moderation"` // ModerateNone, ModerateOutsiders or ModerateAll
}

// Group is the whole of a group as its members see it.
type Group struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Public      bool        `json:"public"`
	External    bool        `json:"external"`
	Notify      bool        `json:"notify"`
	Features    Features    `json:"features"` // in force: chosen and not off by policy
	MailingList MailingList `json:"mailing_list"`
	Masters     []string    `json:"masters"`
	Members     []string    `json:"members"` // every member, masters included
	HasProfile  bool        `json:"has_profile"`
	Created     time.Time   `json:"created"`
	Updated     time.Time   `json:"updated"`
	// FeaturesChosen is the masters' own choice, which a policy that
	// switches a feature off leaves as it was (features_force.go).
	FeaturesChosen Features `json:"features_chosen"`
	// Role is the asking actor's role: "master", "member" or "".
	Role string `json:"role"`
	// CanManage: the asking actor may edit the group, its members and
	// its data (a master or an admin).
	CanManage bool `json:"can_manage"`
}

// Summary is a group as it appears in lists, search and autocomplete.
type Summary struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Public      bool   `json:"public"`
	Address     string `json:"address"`
	Role        string `json:"role"`
}

// Policy is the organisation policy (admin only).
type Policy struct {
	// CreateGroups is "everyone" or "admins".
	CreateGroups string `json:"create_groups"`
	// DisabledFeatures are off organisation-wide; their data is kept.
	DisabledFeatures []string `json:"disabled_features"`
	// ExternalAuthority lists users who may create external groups.
	ExternalAuthority []string `json:"external_authority"`
}

// Note is a group note.
type Note struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	Author string `json:"author"`
	// Editable: the asking actor may edit and delete this note (its
	// author, a master or an admin).
	Editable bool      `json:"editable"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	// Attachments are the note's photos and files, in the order added.
	Attachments []Attachment `json:"attachments"`
}
