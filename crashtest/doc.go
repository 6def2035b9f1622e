// Package crashtest is groupd's crash-safety suite (issue 8). It has no
// code of its own: its tests build the groupd binary, run it on a
// temporary data_dir, kill it with SIGKILL at random points of a
// workload (SMTP posting, fan-out to the relay, group deletion, WebDAV
// uploads, CalDAV writes), restart it, and check the invariants of SPEC
// §2 and §5. TestBackupBinaryWhilePosting runs `groupd backup` and
// `groupd restore` as a user would. The invariants:
//
//   - nothing acknowledged is lost: every post answered 250 is in the
//     archive and queued (or delivered) for every recipient, and every
//     recipient finally receives it;
//   - nothing half-written is visible: an archived post has its queue
//     rows and its whole body; a group is either whole or wholly gone;
//   - PRAGMA integrity_check answers ok and foreign keys hold;
//   - the blob store has no missing blob (orphans are reported).
//
// Every counted fan-out kill lands mid-fan-out: some recipients of the
// round's posts recorded as sent, some still queued; a round whose kill
// came too early or too late is run again, not counted.
//
// The suite runs on SQLite whatever GROUPD_TEST_POSTGRES says: what it
// proves is that the SQLite file (and its WAL) and the blob directory
// survive a SIGKILL, and it reads the file directly; PostgreSQL's own
// crash safety is the server's. (smtp's TestCrashMidDelivery kills a
// daemon mid-fan-out on either backend.)
//
// CRASH_POINTS sets the kill points per workload (default 20, 5 under
// -short); CRASH_SEED replays a run.
package crashtest
