// imapflow with QRESYNC (RFC 7162) against groupd (issue 17): a client
// opens the team archive and keeps its UIDVALIDITY and HIGHESTMODSEQ;
// another session of the same user flags message 2; a third opens the
// archive with those values (SELECT … (QRESYNC …)) and fetches what
// changed since (UID FETCH … (CHANGEDSINCE … VANISHED)). Prints JSON.
import { ImapFlow } from 'imapflow';

const env = process.env;
const path = 'Groups/Team';
function connect() {
  return new ImapFlow({
    host: '127.0.0.1',
    port: Number(env.GROUPD_IMAP_PORT),
    secure: false,
    doSTARTTLS: false,
    qresync: true,
    auth: { user: env.GROUPD_USER, pass: env.GROUPD_PASSWORD },
    logger: false,
  });
}

const first = connect();
await first.connect();
const enabled = [...first.enabled];
let mb = await first.mailboxOpen(path);
const before = { uidValidity: mb.uidValidity, highestModseq: mb.highestModseq };
await first.logout();

const other = connect();
await other.connect();
await other.mailboxOpen(path);
await other.messageFlagsAdd('2', ['\\Flagged']);
await other.logout();

const phone = connect();
const flagEvents = [];
phone.on('flags', (ev) => flagEvents.push({ uid: ev.uid, flags: [...ev.flags], modseq: String(ev.modseq) }));
const vanished = [];
phone.on('expunge', (ev) => vanished.push(ev));
await phone.connect();
mb = await phone.mailboxOpen(path, { uidValidity: before.uidValidity, changedSince: before.highestModseq });
const after = { qresync: !!mb.qresync, highestModseq: String(mb.highestModseq) };
const changed = [];
for await (const msg of phone.fetch('1:*', { uid: true, flags: true }, { uid: true, changedSince: before.highestModseq })) {
  changed.push({ uid: msg.uid, flags: [...msg.flags], modseq: String(msg.modseq) });
}
await phone.logout();
console.log(JSON.stringify({
  enabled,
  before: { uidValidity: String(before.uidValidity), highestModseq: String(before.highestModseq) },
  after, flagEvents, vanished, changed,
}));
