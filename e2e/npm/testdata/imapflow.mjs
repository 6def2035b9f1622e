// imapflow against groupd's IMAP archive (issue 17, bug 1): log in, list
// the mailboxes, open the group named in GROUPD_TYPED as the user types
// it and as LIST shows it, fetch its posts, ask STATUS. Prints JSON.
import { ImapFlow } from 'imapflow';

const env = process.env;
const client = new ImapFlow({
  host: '127.0.0.1',
  port: Number(env.GROUPD_IMAP_PORT),
  secure: false,
  doSTARTTLS: false,
  auth: { user: env.GROUPD_USER, pass: env.GROUPD_PASSWORD },
  logger: false,
});
await client.connect();
const out = { enabled: [...client.enabled], list: [], opened: [], messages: [] };
for (const mb of await client.list()) {
  out.list.push(mb.path);
}
const listed = out.list.find((p) => p.startsWith(env.GROUPD_LISTED_PREFIX));
for (const path of [env.GROUPD_TYPED, listed]) {
  const mb = await client.mailboxOpen(path, { readOnly: true });
  out.opened.push({ asked: path, path: mb.path, exists: mb.exists, readOnly: mb.readOnly });
}
for await (const msg of client.fetch('1:*', { uid: true, envelope: true, source: true })) {
  out.messages.push({
    uid: msg.uid,
    subject: msg.envelope.subject,
    from: msg.envelope.from[0].address,
    body: msg.source.toString().split('\r\n\r\n').slice(1).join('\r\n\r\n').trim(),
  });
}
const st = await client.status(env.GROUPD_TYPED, { messages: true });
out.status = { path: st.path, messages: st.messages };
await client.logout();
console.log(JSON.stringify(out));
