// Package notes holds end-to-end tests of note attachments (issue 13)
// against the groupd binary itself (internal/groupdproc), driven with
// curl as a user's script would: a 5 MiB JPEG and a PDF come back
// byte-identical, an SVG carrying a script is served as a download with
// nosniff and the sandbox, a decompression-bomb PNG (30,000 × 30,000
// pixels in about 110 KiB) is refused with 422 while the daemon goes on
// serving, and a purge of notes gives the group's quota back.
//
// The package has tests only.
package notes
