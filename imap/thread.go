package imap

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/emersion/go-imap/v2/imapserver"
)

// THREAD (RFC 5256 §3): ORDEREDSUBJECT and REFERENCES over the search's
// hits. The guard hands the command to Search (sortcmd.go).

// node is a message in a thread tree; a dummy (info nil) stands for a
// message that is referred to but not in the result.
type node struct {
	info     *msgInfo
	parent   *node
	children []*node
}

// threads builds the thread trees of infos (in mailbox order).
func threads(infos []*msgInfo, algo string) []*node {
	if algo == "ORDEREDSUBJECT" {
		return orderedSubject(infos)
	}
	return references(infos)
}

// orderedSubject (RFC 5256 §3, ORDEREDSUBJECT): messages sorted by base
// subject, then sent date; each run of one base subject is a thread whose
// first message is the parent of all the others; threads in the order of
// their first messages' sent dates.
func orderedSubject(infos []*msgInfo) []*node {
	infos = sortInfos(infos, []sortKey{{field: "SUBJECT"}, {field: "DATE"}})
	var roots []*node
	for _, m := range infos {
		n := &node{info: m}
		if k := len(roots) - 1; k >= 0 && casemap(roots[k].info.base) == casemap(m.base) {
			n.parent = roots[k]
			roots[k].children = append(roots[k].children, n)
			continue
		}
		roots = append(roots, n)
	}
	slices.SortStableFunc(roots, func(a, b *node) int { return compareSent(a.info, b.info) })
	return roots
}

// compareSent orders by sent date, then mailbox order (RFC 5256 §2.2).
func compareSent(a, b *msgInfo) int {
	if c := a.sent.Compare(b.sent); c != 0 {
		return c
	}
	return cmp.Compare(a.pos, b.pos)
}

// first is the message a node sorts by: its own, or a dummy's first
// child's (§3, REFERENCES steps 4 and 6).
func (n *node) first() *msgInfo {
	for n.info == nil && len(n.children) > 0 {
		n = n.children[0]
	}
	return n.info
}

// sortByDate sorts siblings by sent date, children before parents so
// that a dummy sorts by its earliest child (step 6), recursively when
// deep is set.
func sortByDate(list []*node, deep bool) {
	for _, n := range list {
		if deep || n.info == nil {
			sortByDate(n.children, deep)
		}
	}
	slices.SortStableFunc(list, func(a, b *node) int { return compareSent(a.first(), b.first()) })
}

// writeThreads writes the THREAD response's thread lists (RFC 5256 §4):
// one child follows its parent, two or more are nested lists.
func writeThreads(kind imapserver.NumKind, roots []*node) string {
	var b strings.Builder
	for _, r := range roots {
		b.WriteByte('(')
		writeMembers(&b, kind, r)
		b.WriteByte(')')
	}
	return b.String()
}

func writeMembers(b *strings.Builder, kind imapserver.NumKind, n *node) {
	if n.info != nil {
		b.WriteString(strconv.FormatUint(uint64(n.info.num(kind)), 10))
		if len(n.children) == 0 {
			return
		}
		b.WriteByte(' ')
	}
	if len(n.children) == 1 {
		writeMembers(b, kind, n.children[0])
		return
	}
	for _, c := range n.children {
		b.WriteByte('(')
		writeMembers(b, kind, c)
		b.WriteByte(')')
	}
}
