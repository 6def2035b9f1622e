// Package daemon runs groupd: it opens the store under data_dir, obtains
// the admin token, opens every configured listener, serves on them, runs
// the background workers, and shuts all of it down again in order. It is
// the only package that imports all the others.
//
// What runs is listed in one place, components (wiring.go): each network
// surface is a Listener {Name, Addr, Serve, Shutdown, Close} and each
// background task a Worker {Name, Run}. Start opens the store, then every
// listener (nothing is served until all are bound, so a busy port fails
// the start cleanly), then starts the workers and the servers in order; a
// failure rolls back whatever was opened and names what failed. Shutdown
// stops the listeners accepting and drains them within its context's
// deadline (forcing them closed after it), then cancels and awaits the
// workers, then closes the store.
//
// Every store opened for real use (here, groupd's commands, the test
// daemon) takes its options through StoreOptions (wiring.go): the search
// text decoder, the grammar of list addresses and the notices' words,
// which the groups store is given rather than holds.
//
// Workers: the outbound queue (smtp.Queue), the expiry of held posts
// and join requests (moderation.go), and the indexer (index.go), which writes the IMAP
// search text of newly archived posts (groups.Store.IndexArchive) when a
// post is archived and every 5 s.
//
// The HTTP listener (http.go) serves GET /healthz (200 when the database
// answers), GET /metrics (Prometheus text format from a registry of this
// daemon's own, metrics.go) and the JSON API under /api/; every request
// is counted and timed per route pattern, method and status code.
//
// Stored here: <data_dir>/admin-token (token.go), generated on first start
// with mode 0600; its path is logged, the token never is. Everything else
// is the groups Store's: <data_dir>/groupd.db and <data_dir>/blobs.
package daemon
