// Package mbox reads an mbox (RFC 4155) into its messages and a
// conversation (its participants and messages as groups imports them),
// for turning a conversation into a group: the API's POST
// /api/v1/groups/convert and the console's "Convert a conversation".
package mbox
