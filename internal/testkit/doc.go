// Package testkit holds helpers that the tests of several packages
// share: a certificate authority made for one test, raw HTTP requests as
// a test user, and StoreOptions, the protocol semantics the daemon gives
// every store (store.go).
//
// It is imported only by tests (_test.go files); no production code may
// import it.
package testkit
