// Package e2e holds no code: its sub-packages are end-to-end tests that
// start the real daemon (daemon.New with a config, every listener on a
// loopback port) and talk to it with real clients — go-webdav, go-imap,
// go-smtp and net/http in Go, and in CI the third-party clients users run
// (swaks, litmus, rclone, cadaver, python3-caldav, vdirsyncer, imaplib,
// mbsync), and the npm clients pinned in e2e/package.json (imapflow,
// tsdav, webdav, nodemailer; e2e/npm, installed with npm ci --prefix e2e),
// and real Postfix in front of and behind the daemon (e2e/postfix).
// e2e/internal/e2etest starts a daemon and seeds users and groups over
// the HTTP API.
package e2e
