// imapflow against groupd's IMAP extensions (issue 17): the capabilities
// it sees once logged in, and LIST with statusQuery, which imapflow sends
// as one LIST … RETURN (STATUS …) when the server has LIST-STATUS
// (RFC 5819). Prints JSON.
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
const caps = [...client.capabilities.keys()];
const list = [];
for (const mb of await client.list({ statusQuery: { messages: true, unseen: true } })) {
  list.push({ path: mb.path, status: mb.status ? { messages: mb.status.messages, unseen: mb.status.unseen } : null });
}
await client.logout();
console.log(JSON.stringify({ caps, list }));
