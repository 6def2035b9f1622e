package groups

// GroupSpec is the input for creating or editing a group. A nil field keeps
// the default (create) or the current value (edit).
type GroupSpec struct {
	ID          *string      `json:"id,omitempty"`
	Name        *string      `json:"name,omitempty"`
	Description *string      `json:"description,omitempty"`
	Public      *bool        `json:"public,omitempty"`
	External    *bool        `json:"external,omitempty"`
	Notify      *bool        `json:"notify,omitempty"`
	Features    *FeatureSpec `json:"features,omitempty"`
	MailingList *ListSpec    `json:"mailing_list,omitempty"`
	// Masters and Members are taken at creation only; afterwards membership
	// changes through SetMember and RemoveMember.
	Masters []string `json:"masters,omitempty"`
	Members []string `json:"members,omitempty"`
}

// FeatureSpec switches features; nil keeps the value.
type FeatureSpec struct {
	Message *bool `json:"message,omitempty"`
	Note    *bool `json:"note,omitempty"`
	Event   *bool `json:"event,omitempty"`
	Task    *bool `json:"task,omitempty"`
	Folder  *bool `json:"folder,omitempty"`
}

func (fs *FeatureSpec) each(fn func(name string, v *bool)) {
	fn(FeatureMessage, fs.Message)
	fn(FeatureNote, fs.Note)
	fn(FeatureEvent, fs.Event)
	fn(FeatureTask, fs.Task)
	fn(FeatureFolder, fs.Folder)
}

// ListSpec edits the mailing list; nil keeps the value.
type ListSpec struct {
	Enabled         *bool     `json:"enabled,omitempty"`
	Address         *string   `json:"address,omitempty"`
	ExternalMembers *[]string `json:"external_members,omitempty"`
	SendersAs       *[]string `json:"senders_as,omitempty"`
	SendRestriction *string   `json:"send_restriction,omitempty"`
	Allowed         *[]string `json:"allowed,omitempty"`
	BlockExternal   *bool     `json:"block_external,omitempty"`
	Moderation      *string   `json:"moderation,omitempty"`
}
