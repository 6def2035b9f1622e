// Package testkit holds helpers that the tests of several packages
// share: a certificate authority made for one test and raw HTTP
// requests as a test user.
//
// It is imported only by tests (_test.go files); no production code may
// import it.
package testkit
