import { readdirSync, readFileSync } from 'node:fs';
import { createPasswordHasher, passwordTooLong } from '../../src/security/passwords';
import { grantScopes } from '../../src/security/scopes';

const hasher = createPasswordHasher({ cost: 4, threads: 1 });
afterAll(() => hasher.close());

test('a hash verifies its own password and no other', async () => {
  const hash = await hasher.hash('correct horse');
  expect(hash).toMatch(/^\$2[aby]\$04\$/);
  expect(await hasher.verify('correct horse', hash)).toBe(true);
  expect(await hasher.verify('correct horsE', hash)).toBe(false);
});

test('no stored hash → false, after a real comparison against the dummy hash', async () => {
  expect(await hasher.verify('anything', undefined)).toBe(false);
});

test('72 UTF-8 bytes is the limit, counted in bytes not characters', () => {
  expect(passwordTooLong('a'.repeat(72))).toBe(false);
  expect(passwordTooLong('a'.repeat(73))).toBe(true);
  expect(passwordTooLong('é'.repeat(36))).toBe(false);
  expect(passwordTooLong('é'.repeat(37))).toBe(true);
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
