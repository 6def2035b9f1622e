// Package imip reads iMIP invitations (RFC 6047): the text/calendar part
// of a mail message whose "method" parameter names an iTIP method (RFC
// 5546), and what a group calendar stores of it (RFC 4791 §4.1: a
// calendar object resource, without METHOD).
//
// It knows the protocol and nothing of groups: [Find] walks the MIME
// structure (RFC 2045, RFC 2046) within bounds, [Invitation.Object] is
// the object to store and [Invitation.Supersedes] orders two versions of
// one event by SEQUENCE and DTSTAMP (RFC 5546 §2.1.5).
package imip
