import { readdirSync, readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { bcryptInputOf } from '../../src/security/passwords/password-input';
import { createPasswordHasher } from '../../src/security/passwords';
import { grantScopes } from '../../src/security/scopes';

const compared: (number | string)[] = [];
const hasher = createPasswordHasher({ cost: 4, threads: 1, onCompare: (cost) => compared.push(cost) });
afterAll(() => hasher.close());

test('a hash verifies its own password and no other', async () => {
  const hash = await hasher.hash('correct horse');
  expect(hash).toMatch(/^\$2[aby]\$04\$/);
  expect(await hasher.verify('correct horse', hash)).toEqual({ matches: true, needsRehash: false });
  expect(await hasher.verify('correct horsE', hash)).toEqual({ matches: false, needsRehash: false });
});

test('no stored hash → no match, after a real comparison at the configured cost', async () => {
  compared.length = 0;
  expect(await hasher.verify('anything', undefined)).toEqual({ matches: false, needsRehash: false });
  expect(compared).toEqual([4]);
});

test('a hash at another cost verifies, is compared at its own cost, and asks for a rehash', async () => {
  const atFive = bcrypt.hashSync('correct horse', 5);
  compared.length = 0;
  expect(await hasher.verify('correct horse', atFive)).toEqual({ matches: true, needsRehash: true });
  expect(await hasher.verify('wrong horse', atFive)).toEqual({ matches: false, needsRehash: false });
  expect(compared).toEqual([5, 5]);
});

test('NFC and NFD spellings are one password; a hash made before normalisation still verifies, then asks for a rehash', async () => {
  const nfc = 'caf\u00e9 cr\u00e8me';
  const nfd = nfc.normalize('NFD');
  expect(nfd).not.toBe(nfc);
  const hash = await hasher.hash(nfd);
  expect((await hasher.verify(nfc, hash)).matches).toBe(true);
  const legacy = bcrypt.hashSync(nfd, 4);
  expect(await hasher.verify(nfd, legacy)).toEqual({ matches: true, needsRehash: true });
  expect((await hasher.verify(nfc, legacy)).matches).toBe(false);
});

test('past 72 UTF-8 bytes nothing is ignored (pre-hash); up to 72 bytes existing bcrypt hashes keep working', async () => {
  const long = '\u20ac'.repeat(30);
  const hash = await hasher.hash(long);
  expect((await hasher.verify(long, hash)).matches).toBe(true);
  expect((await hasher.verify('\u20ac'.repeat(29) + '\u00a3', hash)).matches).toBe(false);
  expect((await hasher.verify('\u20ac'.repeat(24), hash)).matches).toBe(false);
  const a72 = 'a'.repeat(72);
  expect(await hasher.verify(a72, bcrypt.hashSync(a72, 4))).toEqual({ matches: true, needsRehash: false });
  expect(bcryptInputOf(a72)).toBe(a72);
  expect(bcryptInputOf(a72 + 'b')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
});

test('scopes: omitted = all the role allows; more than allowed is refused', () => {
  expect(grantScopes('user', undefined)).toEqual({ granted: ['me', 'todos:read', 'todos:write'] });
  expect(grantScopes('admin', undefined)).toEqual({ granted: ['me', 'todos:read', 'todos:write', 'users:admin'] });
  expect(grantScopes('user', 'me users:admin')).toEqual({ refused: ['users:admin'] });
  expect(grantScopes('user', 'todos:write me')).toEqual({ granted: ['me', 'todos:write'] });
});

/** Nice value of each thread of this process, from /proc (Linux): field 19 of task/<tid>/stat. */
function threadNiceValues(): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    nice.set(Number(tid), Number(fields[16]));
  }
  return nice;
}

test('hashing threads run at a lower priority than the event loop, which keeps its own', async () => {
  const before = threadNiceValues();
  const fresh = createPasswordHasher({ cost: 4, threads: 1 });
  try {
    await fresh.hash('start the pool');
    const after = threadNiceValues();
    expect(after.get(process.pid)).toBe(before.get(process.pid));
    const newThreads = [...after].filter(([tid]) => !before.has(tid));
    expect(newThreads.map(([, nice]) => nice)).toContain(Math.min(19, (before.get(process.pid) ?? 0) + 10));
  } finally {
    await fresh.close();
  }
});
