// Package webdav holds end-to-end tests of the group folders (issue 6,
// SPEC §3 /dav/files/) against the real daemon: e2etest.Start runs it on
// loopback ports with the folder handler mounted at /dav/files/, and the
// tests talk to it as users do — with net/http and, when installed (always
// in CI), litmus, rclone and cadaver. The kill -9 test builds and runs the
// groupd binary itself.
//
// What they check: litmus's five suites pass with no failure and no
// warning; rclone copies a tree there and back unchanged; cadaver puts,
// gets, locks and unlocks; quotas answer 507 and leave nothing behind;
// concurrent PUTs to one path leave exactly one body; locks survive a
// restart, and an expired lock stops blocking (also across a restart);
// a folder's ETag stays while nothing in it changes and changes when a
// member is added, removed or moved; traversal attempts are refused; outsiders see a group's folder
// exactly as a missing one; purging the folder or deleting the group
// removes the blobs; a kill -9 in the middle of a 500 MB upload
// leaves the previous version.
//
// The package has tests only.
package webdav
