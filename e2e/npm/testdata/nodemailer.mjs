// nodemailer submits a post to a group through groupd's submission port
// with AUTH (RFC 4954), as a mail program would; then tries without AUTH.
// Prints JSON.
import nodemailer from 'nodemailer';

const env = process.env;
const transport = (auth) => nodemailer.createTransport({
  host: '127.0.0.1',
  port: Number(env.GROUPD_SUBMISSION_PORT),
  secure: false,
  ignoreTLS: true,
  auth,
});
const out = {};
const info = await transport({ user: env.GROUPD_USER, pass: env.GROUPD_PASSWORD }).sendMail({
  from: 'Bob <' + env.GROUPD_USER + '>',
  to: 'team@lists.example.test',
  subject: 'Agenda für Montag',
  text: 'Punkt 1: Budget\nPunkt 2: Ausflug\n',
});
out.accepted = info.accepted;
out.rejected = info.rejected;
out.response = info.response;
try {
  await transport(undefined).sendMail({ from: env.GROUPD_USER, to: 'team@lists.example.test', subject: 'no auth', text: 'x' });
  out.withoutAuth = 'accepted';
} catch (err) {
  out.withoutAuth = err.response ?? String(err);
}
console.log(JSON.stringify(out));
