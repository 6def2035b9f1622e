// Package cluster runs two real groupd binaries (internal/groupdproc) on
// one PostgreSQL database, each with its own data_dir and ports, and
// shows that they behave as one groupd: the tests balance their requests
// between the nodes themselves. They run only with GROUPD_TEST_POSTGRES
// (internal/testdb) and skip otherwise.
package cluster
