package config

import "fmt"

// Notes is the [notes] table: the group notes of the API and the console.
type Notes struct {
	// MaxAttachmentBytes bounds one file attached to a note (its
	// photos and files, issue 13); larger uploads get 413. The group's
	// quota (dav.folder_quota or its own) bounds them all together.
	// Default 25 MiB.
	MaxAttachmentBytes int64 `toml:"max_attachment_bytes"`
}

func notesDefaults() Notes {
	return Notes{MaxAttachmentBytes: 25 << 20}
}

func (n Notes) problems() []error {
	if n.MaxAttachmentBytes <= 0 {
		return []error{fmt.Errorf("notes.max_attachment_bytes: %d is not a positive number of bytes", n.MaxAttachmentBytes)}
	}
	return nil
}
