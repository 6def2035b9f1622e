package config

import "fmt"

// DAV is the [dav] table: the group folders (WebDAV) and calendars
// (CalDAV) served under /dav/ on the HTTP listener.
type DAV struct {
	// FolderQuota is the size in bytes a group folder may hold when the
	// group has no quota of its own (PUT beyond it answers 507, RFC 4918
	// §11.5). Default 10 GiB.
	FolderQuota int64 `toml:"folder_quota"`
	// MaxObjectBytes bounds one calendar object (RFC 4791 §5.2.5
	// max-resource-size). Default 1 MiB.
	MaxObjectBytes int64 `toml:"max_object_bytes"`
}

func davDefaults() DAV {
	return DAV{FolderQuota: 10 << 30, MaxObjectBytes: 1 << 20}
}

func (d DAV) problems() []error {
	var errs []error
	if d.FolderQuota <= 0 {
		errs = append(errs, fmt.Errorf("dav.folder_quota: %d is not a positive number of bytes", d.FolderQuota))
	}
	if d.MaxObjectBytes <= 0 {
		errs = append(errs, fmt.Errorf("dav.max_object_bytes: %d is not a positive number of bytes", d.MaxObjectBytes))
	}
	return errs
}
