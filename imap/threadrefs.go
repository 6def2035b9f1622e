package imap

import "strconv"

// references is THREAD=REFERENCES (RFC 5256 §3), steps 1 to 6.
func references(infos []*msgInfo) []*node {
	roots := linkReferences(infos) // steps 1 and 2
	roots = prune(roots, true)     // step 3
	sortByDate(roots, false)       // step 4
	roots = mergeSubjects(roots)   // step 5
	sortByDate(roots, true)        // step 6
	return roots
}

// idTable finds the node of a Message-ID, making a dummy for one not
// seen yet; all keeps them in order of creation.
type idTable struct {
	byID map[string]*node
	all  []*node
}

func (t *idTable) get(id string) *node {
	if n := t.byID[id]; n != nil {
		return n
	}
	n := &node{}
	t.byID[id] = n
	t.all = append(t.all, n)
	return n
}

// linkReferences is step 1 (links from References, or In-Reply-To) and
// step 2 (the messages without a parent are the roots).
func linkReferences(infos []*msgInfo) []*node {
	t := &idTable{byID: map[string]*node{}}
	for _, m := range infos {
		id := m.msgID
		if id == "" || (t.byID[id] != nil && t.byID[id].info != nil) {
			id = "\x00" + strconv.Itoa(m.pos) // missing or duplicate: unique (step 1)
		}
		n := t.get(id)
		n.info = m
		for i := 0; i+1 < len(m.refs); i++ { // 1A: each reference the parent of the next
			parent, child := t.get(m.refs[i]), t.get(m.refs[i+1])
			if child.parent == nil {
				link(parent, child)
			}
		}
		unlink(n) // 1B: the last reference is the parent
		if len(m.refs) > 0 {
			link(t.get(m.refs[len(m.refs)-1]), n)
		}
	}
	var roots []*node
	for _, n := range t.all {
		if n.parent == nil {
			roots = append(roots, n)
		}
	}
	return roots
}

// link makes parent the parent of child unless that makes a loop.
func link(parent, child *node) {
	for p := parent; p != nil; p = p.parent {
		if p == child {
			return
		}
	}
	child.parent = parent
	parent.children = append(parent.children, child)
}

func unlink(n *node) {
	p := n.parent
	if p == nil {
		return
	}
	for i, c := range p.children {
		if c == n {
			p.children = append(p.children[:i:i], p.children[i+1:]...)
			break
		}
	}
	n.parent = nil
}

// prune is step 3: a dummy without children goes; one with children
// gives them its place, unless that puts two or more at the root.
func prune(list []*node, root bool) []*node {
	var out []*node
	for _, n := range list {
		n.children = prune(n.children, false)
		if n.info == nil {
			if len(n.children) == 0 {
				continue
			}
			if !root || len(n.children) == 1 {
				for _, c := range n.children {
					c.parent = n.parent
				}
				out = append(out, n.children...)
				continue
			}
		}
		out = append(out, n)
	}
	return out
}

// mergeSubjects is step 5: roots with one base subject are gathered.
func mergeSubjects(roots []*node) []*node {
	table := map[string]*node{} // 5A, 5B
	for _, n := range roots {
		s := casemap(n.first().base)
		old := table[s]
		if s != "" && (old == nil || (n.info == nil && old.info != nil) ||
			(old.info != nil && old.info.reply && n.info != nil && !n.info.reply)) {
			table[s] = n
		}
	}
	out := make([]*node, len(roots))
	copy(out, roots)
	slot := map[*node]int{}
	for i, n := range out {
		slot[n] = i
	}
	for i, n := range roots { // 5C
		s := casemap(n.first().base)
		t := table[s]
		if s == "" || t == nil || t == n || out[i] != n {
			continue
		}
		out[i] = nil
		if d := adopt(t, n); d != nil {
			out[slot[t]], table[s], slot[d] = d, d, slot[t]
		}
	}
	kept := out[:0]
	for _, n := range out {
		if n != nil {
			kept = append(kept, n)
		}
	}
	return kept
}

// adopt puts n under t (step 5C), or both under a new dummy it returns.
func adopt(t, n *node) *node {
	switch {
	case t.info == nil && n.info == nil:
		for _, c := range n.children {
			c.parent = t
		}
		t.children = append(t.children, n.children...)
	case t.info == nil, n.info != nil && n.info.reply && !t.info.reply:
		n.parent = t
		t.children = append(t.children, n)
	default:
		d := &node{children: []*node{t, n}}
		t.parent, n.parent = d, d
		return d
	}
	return nil
}
