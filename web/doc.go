// Package web is groupd's web console (SPEC §3, issue 11): the groups app
// for members and masters (the views "Groups I belong", "Groups I
// manage" and "All groups", search, group pages with their Messages,
// Notes, Events, Tasks and Folder tabs, create and edit, members, Delete
// data, delete group) and the admin pages, in English and Korean.
//
// It is an http.Handler that the daemon mounts at "/" beside the API and
// DAV. Like the API it imports only groups: every rule is the store's, and
// a private group answers an outsider here exactly as a missing one.
//
// How it is built:
//   - pages are server-rendered html/template files embedded with embed
//     (templates/), one layout and one file per page; plain CSS and a
//     little JavaScript (static/) that only enhances: every form works
//     with scripts off;
//   - every string a person reads comes from the message catalogs in
//     i18n/ (one JSON file per area, each key in English and Korean; a
//     test fails on a key missing in either language or used but not
//     defined);
//   - sessions are rows of the store (groups.Store.CreateSession): an
//     HttpOnly, SameSite=Lax cookie (Secure under TLS) holds a random
//     256-bit id; idle and absolute expiry come from Options;
//   - every state-changing request carries the session's CSRF token and
//     passes the Origin check (csrf.go); every answer carries a strict
//     Content-Security-Policy with no inline script, X-Frame-Options DENY,
//     nosniff and a Referrer-Policy (web.go).
package web
