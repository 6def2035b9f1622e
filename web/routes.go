package web

import "net/http"

// routes registers every console page. Feature tabs and the admin and
// account pages register theirs in their own files' route functions.
func (s *server) routes() {
	m := s.mux
	m.Handle("GET /{$}", http.RedirectHandler("/groups", http.StatusSeeOther))
	m.Handle("GET /signin", s.public(s.signinForm))
	m.Handle("POST /signin", s.public(s.signin))
	m.Handle("POST /signout", s.signedIn(s.signout))
	m.Handle("GET /lang", s.public(s.setLanguage))
	m.Handle("GET /static/", s.public(s.static))

	m.Handle("GET /groups", s.signedIn(s.groupList))
	m.Handle("GET /groups/new", s.signedIn(s.newGroupForm))
	m.Handle("POST /groups/new", s.signedIn(s.createGroup))
	m.Handle("GET /groups/convert", s.signedIn(s.convertForm))
	m.Handle("POST /groups/convert", s.signedIn(s.convert))
	m.Handle("GET /suggest/groups", s.signedIn(s.suggestGroups))
	m.Handle("GET /suggest/people", s.signedIn(s.suggestPeople))

	m.Handle("GET /g/{id}", s.signedIn(s.groupPage))
	m.Handle("GET /g/{id}/profile", s.signedIn(s.groupProfile))
	m.Handle("GET /g/{id}/edit", s.signedIn(s.editGroupForm))
	m.Handle("POST /g/{id}/edit", s.signedIn(s.editGroup))
	m.Handle("GET /g/{id}/members", s.signedIn(s.membersPage))
	m.Handle("POST /g/{id}/members", s.signedIn(s.addMembers))
	m.Handle("POST /g/{id}/members/role", s.signedIn(s.changeRole))
	m.Handle("POST /g/{id}/members/remove", s.signedIn(s.removeMember))
	m.Handle("GET /g/{id}/purge", s.signedIn(s.purgeForm))
	m.Handle("POST /g/{id}/purge", s.signedIn(s.purge))
	m.Handle("GET /g/{id}/delete", s.signedIn(s.deleteForm))
	m.Handle("POST /g/{id}/delete", s.signedIn(s.deleteGroup))

	s.featureRoutes()
	m.Handle("/", s.public(s.notFound))
}

// featureRoutes registers the group feature tabs, the admin and account
// pages; each area adds its line here.
func (s *server) featureRoutes() {
	s.folderRoutes()  // Folder tab: browse, download, upload, new folder, rename, move, delete (folder.go)
	s.adminRoutes()   // Admin: policy, users, groups and quotas, DNS records
	s.accountRoutes() // My account: name, password, app passwords
	s.connectRoutes() // Connect your apps, the Apple profile, Thunderbird autoconfig

	s.noteRoutes()        // Notes tab: list, read, write, edit, delete
	s.calendarRoutes()    // Events and Tasks tabs: upcoming, month, event form, tick, add
	s.messageRoutes()     // Messages tab: threads, composer, attachments, live events
	s.heldRoutes()        // Held posts: the list's moderation queue, for masters (held.go)
	s.requestRoutes()     // Join requests: mail to -join@ waiting for masters (requests.go)
	s.deliveryRoutes()    // Delivery modes: a member's own, a master's for external addresses (delivery.go)
	s.unsubscribeRoutes() // One-click unsubscribe of external addresses, public (unsubscribe.go)
}

// notFound is the page for any path the console does not serve. The
// request keeps no route pattern, so that metrics count it as "other".
func (s *server) notFound(c *reqCtx) error {
	c.r.Pattern = ""
	return errNotFound()
}
