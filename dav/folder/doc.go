// Package folder serves groups' shared folders over WebDAV (RFC 4918,
// class 1 and 2) under /dav/files/ (SPEC §3): PROPFIND /dav/files/ lists
// the user's groups that have the folder feature on, and
// /dav/files/<group-id>/… is that group's folder.
//
// It is built on golang.org/x/net/webdav, which brings PUT, PROPPATCH with
// dead properties, COPY, MOVE, MKCOL, DELETE, the If: header and the rare
// PROPFIND forms (propname, include), behind interfaces (FileSystem,
// LockSystem) that this package implements over the groups store (fs.go,
// file.go, props.go, locks.go). Around it this package adds what x/net
// lacks: HTTP Basic authentication against groups.Store (handler.go), path
// confinement (paths.go), GET and HEAD straight from blob files with
// Range and sendfile (get.go), LOCK and UNLOCK with shared locks persisted
// in SQLite and lockdiscovery (lockmethod.go), quotas (RFC 4331) with 507
// before the body is read (checks.go), PROPFIND Depth: 0 and 1 written
// directly from two queries, with Depth: infinity refused
// (propfind-finite-depth) (propfind.go), the answers x/net gets wrong
// corrected (status.go: 507, 423 versus 412, 204 for a replaced file),
// COPY and MOVE confined to the user's group folders (checks.go: a
// Destination elsewhere is 403, in a group not the user's 409 exactly as
// in a missing one, on another server 502) and MOVE's default
// Overwrite: T.
//
// What it stores: nothing itself. Through groups it keeps entries in the
// files table, contents as blobs under the store's blob directory (a PUT
// streams to a temporary file in Options.TempDir, is fsynced and renamed
// into place before its row is committed, so a failed or cancelled upload
// leaves the previous version), dead properties in file_props, locks in
// file_locks and quotas in folder_quota.
//
// Client quirks: the Windows mini-redirector gets MS-Author-Via: DAV and an
// answer to OPTIONS and PROPFIND on "/" when the handler is also mounted
// there; macOS Finder's ._* and .DS_Store files are stored like any file
// (Finder needs to read back what it wrote) and count towards the quota;
// gvfs's probing PROPFINDs of the prefix and "/" are answered.
//
// The tests here drive the handler on its own; e2e/webdav runs litmus,
// rclone, cadaver and the crash, restart, quota and access tests against
// the daemon that mounts it.
package folder
