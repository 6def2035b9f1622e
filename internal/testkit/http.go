package testkit

import (
	"io"
	"net/http"
	"testing"
)

// Email is the login of the test user named user, user@example.test,
// or "" (no credentials) when user is "".
func Email(user string) string {
	if user == "" {
		return ""
	}
	return user + "@example.test"
}

// NewRequest makes a request for url with body (nil for none), with
// Basic credentials user and password unless user is "", and with the
// header fields in h set.
func NewRequest(t testing.TB, method, url, user, password string, body io.Reader, h map[string]string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	return req
}

// Send sends req with c (http.DefaultClient when nil) and returns the
// answer's status, body and header; it fails t when there is no answer.
func Send(t testing.TB, c *http.Client, req *http.Request) (int, string, http.Header) {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// Request sends a request made by NewRequest with http.DefaultClient
// and returns the answer's status, body and header.
func Request(t testing.TB, method, url, user, password string, body io.Reader, h map[string]string) (int, string, http.Header) {
	t.Helper()
	return Send(t, nil, NewRequest(t, method, url, user, password, body, h))
}
