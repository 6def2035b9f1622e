// Package console holds the browser end-to-end tests of the web console
// (issue 11, "Acceptance"): the real groupd binary (internal/groupdproc)
// with a recording relay stand-in, and Debian's Chromium driven headless
// through github.com/chromedp/chromedp, clicking through the console as a
// person would: sign in; create a private group with a profile image, a
// 100-character Korean name, members picked by autocomplete, the folder
// off and a custom list address; see it in the right tabs; fail to find
// it as an outsider (search, autocomplete, its URL reads as a missing
// group's); add a member who then signs in and sees it; post from the
// Messages tab and have the relay receive it for every member; upload a
// file that WebDAV then serves byte for byte; create an event that
// python3-caldav sees; purge notes; refuse a form without its CSRF token;
// refuse a feature the administrator disabled; show no English on the
// Korean pages; delete the group by typing its name. Every request any
// page makes goes to the daemon and nowhere else (Chromium's network
// events).
//
// A missing Chromium skips the tests, or fails them when CI is set.
// GROUPD_SCREENSHOTS=dir runs TestConsoleScreenshots, which renders the
// main pages into dir (scripts/screenshots.sh).
//
// The package has tests only.
package console
