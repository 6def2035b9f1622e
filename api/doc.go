// Package api is groupd's HTTP JSON API (SPEC §3): accounts, groups,
// members, list settings, notes, profile images, search, autocomplete,
// conversation conversion and the organisation policy, under /api/v1/.
//
// Every request is authenticated (auth.go): "Authorization: Bearer
// <admin token>" acts as an administrator, HTTP Basic with a user's email
// and password as that user. Every rule (who may see, edit, manage) is the
// groups package's; this package only decodes requests, calls the Store
// and encodes answers. Bodies are JSON bounded by Options.MaxBodyBytes,
// decoded strictly (unknown fields, wrong types and trailing data are
// 400s); errors are {"error": sentence, "code": code}, mapped from the
// groups sentinels in errors.go and nowhere else. A private group answers
// an outsider byte for byte as a group that does not exist.
//
// Error codes: bad_request 400 (malformed JSON, unknown field, wrong type,
// trailing data, bad query parameter, a body that is no mbox),
// unauthenticated 401 (with WWW-Authenticate: Basic realm="groupd"),
// forbidden 403 (also cross-origin browser writes), not_found 404,
// method_not_allowed 405 (with Allow), conflict 409, too_large 413 (a body
// over MaxBodyBytes or MaxConvertBytes), invalid 422 (a rule of the model:
// an invalid email, a name too long, a profile that is not a PNG/JPEG or is
// over 1 MiB, a conversation with fewer than 3 participants), internal 500
// (logged; the sentence is generic).
//
// The package stores nothing of its own: all state is the Store's.
//
// Routes and answers:
//
//	POST   /api/v1/users                          201 user, Location
//	GET    /api/v1/users?limit=&offset=           200 {"users": [user]}
//	GET    /api/v1/users/{email}                  200 user
//	PATCH  /api/v1/users/{email}                  200 user
//	DELETE /api/v1/users/{email}                  204
//	POST   /api/v1/groups                         201 group, Location
//	GET    /api/v1/groups?view=&q=&limit=&offset= 200 {"groups": [summary]}
//	GET    /api/v1/autocomplete?q=&limit=         200 {"groups": [summary]}
//	GET    /api/v1/groups/preview?name=&id=       200 {"id", "address", "available"}
//	GET    /api/v1/people?q=&limit=               200 {"people": [{email, name}]} (internal users)
//	POST   /api/v1/groups/convert?name=&id=...    201 group, Location (body: mbox)
//	       (query, all optional: name, id, description, public, notify,
//	       features=message,event,... (those on, the rest off), list_enabled,
//	       list_address, send_restriction=anyone|members|listed, block_external)
//	GET    /api/v1/groups/{id}                    200 group
//	PATCH  /api/v1/groups/{id}                    200 group
//	DELETE /api/v1/groups/{id}                    204
//	POST   /api/v1/groups/{id}/purge              204 (body {"features": [...]})
//	GET    /api/v1/groups/{id}/members            200 {"members": [member]}
//	PUT    /api/v1/groups/{id}/members/{email}    200 member (body {"role": ...} or empty)
//	DELETE /api/v1/groups/{id}/members/{email}    204
//	GET    /api/v1/groups/{id}/held               200 {"held": [held post]} (masters, admins)
//	GET    /api/v1/groups/{id}/held/{n}           200 message/rfc822, the post as it would go out
//	POST   /api/v1/groups/{id}/held/{n}           204 (body {"action": approve|reject|discard, "reason"})
//	GET    /api/v1/groups/{id}/requests           200 {"requests": [join request]} (masters, admins)
//	GET    /api/v1/groups/{id}/requests/{n}       200 join request
//	POST   /api/v1/groups/{id}/requests/{n}       204 (body {"action": approve|decline, "reason"}); 409 outsider, internal group
//	GET    /api/v1/groups/{id}/notes              200 {"notes": [note]}
//	POST   /api/v1/groups/{id}/notes              201 note, Location
//	GET    /api/v1/groups/{id}/notes/{note}       200 note
//	PATCH  /api/v1/groups/{id}/notes/{note}       200 note
//	DELETE /api/v1/groups/{id}/notes/{note}       204
//	GET    /api/v1/groups/{id}/profile            200 image/png or image/jpeg
//	PUT    /api/v1/groups/{id}/profile            204 (body: the image)
//	GET    /api/v1/policy                         200 policy
//	PUT    /api/v1/policy                         200 policy
package api
