// The webdav npm client against groupd's group folders (issue 17, bug 4):
// upload, list, stat, then replace the file with If-Match set to the ETag
// its XML parser read, and once more with that now stale ETag.
// Prints JSON.
import { createClient } from 'webdav';

const env = process.env;
const client = createClient(env.GROUPD_URL + 'dav/files/team/', {
  username: env.GROUPD_USER,
  password: env.GROUPD_PASSWORD,
});
const out = {};
await client.createDirectory('/Minutes');
await client.putFileContents('/Minutes/2026-03.txt', 'Minutes of March\n');
out.list = (await client.getDirectoryContents('/Minutes')).map((f) => ({ name: f.basename, size: f.size, type: f.type }));
const stat = await client.stat('/Minutes/2026-03.txt');
out.etag = stat.etag;
const ifMatch = async (etag, text) => {
  try {
    await client.putFileContents('/Minutes/2026-03.txt', text, { headers: { 'If-Match': `"${etag}"` } });
    return 'stored';
  } catch (err) {
    return err.status ?? String(err);
  }
};
out.conditional = await ifMatch(stat.etag, 'Minutes of March, corrected\n');
out.stale = await ifMatch(stat.etag, 'Minutes of March, lost update\n');
out.content = await client.getFileContents('/Minutes/2026-03.txt', { format: 'text' });
console.log(JSON.stringify(out));
