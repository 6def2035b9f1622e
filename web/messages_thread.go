package web

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// msgThread is a conversation: posts oldest to newest, as a chat room
// reads, newest at the bottom.
type msgThread struct {
	GroupID string
	Subject string // the first post's subject
	Norm    string // its normalised subject (threading fallback, for the script)
	Posts   []*msgPost
	Latest  int64 // UID of the newest post
	CanPost bool  // the reply form is offered
	Draft   string
	Err     string // a refused reply's sentence, shown above its form
}

// Last is the newest post, the one a reply answers.
func (t *msgThread) Last() *msgPost { return t.Posts[len(t.Posts)-1] }

// threadPosts groups posts (ascending UIDs) into conversations by their
// Message-ID, References and In-Reply-To fields (RFC 5322 §3.6.4): any
// two posts that name a common message are in one thread, even when that
// message is not among posts. A reply that names none ("Re:" without
// References, as some clients send) joins the latest earlier thread with
// the same normalised subject. Threads come newest last post first.
func threadPosts(posts []*msgPost) []*msgThread {
	uf := unionFind{}
	lastBySubject := map[string]string{}
	for _, p := range posts {
		own := postKey(p)
		uf.find(own)
		for _, r := range p.Refs {
			uf.union(own, "<"+r+">")
		}
		if len(p.Refs) == 0 && p.Reply && p.Norm != "" {
			if k, ok := lastBySubject[p.Norm]; ok {
				uf.union(own, k)
			}
		}
		if p.Norm != "" {
			lastBySubject[p.Norm] = own
		}
	}
	byRoot := map[string]*msgThread{}
	var out []*msgThread
	for _, p := range posts {
		root := uf.find(postKey(p))
		t := byRoot[root]
		if t == nil {
			t = &msgThread{Subject: p.Subject, Norm: p.Norm}
			byRoot[root] = t
			out = append(out, t)
		}
		t.Posts = append(t.Posts, p)
		t.Latest = max(t.Latest, p.UID)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Latest > out[j].Latest })
	return out
}

// postKey names a post in the union-find: its Message-ID in brackets, or
// its UID when it has none.
func postKey(p *msgPost) string {
	if p.MessageID != "" {
		return "<" + p.MessageID + ">"
	}
	return "uid:" + strconv.FormatInt(p.UID, 10)
}

// unionFind joins names into sets (with path halving).
type unionFind map[string]string

func (u unionFind) find(x string) string {
	if _, ok := u[x]; !ok {
		u[x] = x
	}
	for u[x] != x {
		u[x] = u[u[x]]
		x = u[x]
	}
	return x
}

func (u unionFind) union(a, b string) {
	ra, rb := u.find(a), u.find(b)
	if ra != rb {
		u[rb] = ra
	}
}

// subjectPrefixRE matches one reply or forward marker ("Re:", "Fwd:",
// "Re[2]:", and the Korean "회신:", "답장:", "전달:") or one list tag
// ("[Team] ") at the start of a subject.
var subjectPrefixRE = regexp.MustCompile(`(?i)^\s*(?:(re|fwd?|aw|sv|회신|답장|전달)(?:\[\d+\])?\s*:|\[[^\]]*\])\s*`)

// normSubject folds a subject for comparison and says whether it was
// marked as a reply.
func normSubject(s string) (norm string, reply bool) {
	for {
		m := subjectPrefixRE.FindStringSubmatch(s)
		if m == nil {
			break
		}
		if m[1] != "" && !strings.HasPrefix(strings.ToLower(m[1]), "f") && m[1] != "전달" {
			reply = true
		}
		s = s[len(m[0]):]
	}
	return strings.ToLower(strings.Join(strings.Fields(s), " ")), reply
}
