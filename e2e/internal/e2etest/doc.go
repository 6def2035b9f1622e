// Package e2etest starts the real daemon for end-to-end tests and seeds
// it over its own HTTP API, as an admin with curl would.
package e2etest
