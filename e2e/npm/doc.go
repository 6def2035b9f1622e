// Package npm holds end-to-end tests that drive groupd with the npm
// clients that found its interoperability bugs (issue 17), one per
// protocol, pinned in e2e/package.json and installed with
// "npm ci --prefix e2e" (scripts/test.sh does it; TestMain does it when
// the installed versions are not the pinned ones):
//   - imapflow lists, opens and fetches a group's archive, including a
//     group whose name has "&" and Korean, typed as the user would after
//     imapflow's own ENABLE UTF8=ACCEPT (bug 1);
//   - tsdav expands a recurring event with CALDAV:expand (bug 2) and
//     syncs the calendar with sync-collection;
//   - webdav uploads, lists, and replaces a file with If-Match set to
//     the ETag its XML parser read (bug 4: ETags in XML);
//   - nodemailer submits a post with AUTH on the submission port, and
//     the post reaches the group's archive.
//
// Each test runs the real daemon on loopback ports (e2etest.Start) and a
// small script from testdata with the machine's Node.js; the script
// prints what the client saw as JSON and the test asserts on it. Without
// node and npm the tests skip, unless CI is set: then they fail.
//
// The package has tests only.
package npm
