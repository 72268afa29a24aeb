import { responseBreaches } from '../support/contract';

const user = {
  id: 1,
  username: 'alice',
  email: 'alice@example.com',
  is_active: true,
  mfa_enabled: false,
  roles: ['user'],
  created_at: '2026-11-23T14:00:00.000Z',
  email_verified: false,
  pending_email: null,
};
const json = 'application/json; charset=utf-8';

test('a conforming response has no breaches', () => {
  expect(responseBreaches('getCurrentUser', 200, json, user)).toEqual([]);
});

test.each([
  ['an undocumented status', 'getCurrentUser', 404, json, user, /status 404 is not documented/],
  ['a wrong media type', 'getCurrentUser', 200, 'text/html', user, /content type text\/html/],
  [
    'a leaked field',
    'getCurrentUser',
    200,
    json,
    { ...user, password_hash: '$2b$' },
    /must NOT have additional properties/,
  ],
  ['a bad format', 'getCurrentUser', 200, json, { ...user, created_at: 'yesterday' }, /must match format "date-time"/],
  ['a body on a 204', 'deleteTodo', 204, json, { ok: true }, /documented without a body/],
])('%s is a breach', (_name, operationId, status, contentType, body, message) => {
  const breaches = responseBreaches(operationId, status, contentType, body);
  expect(breaches.join('\n')).toMatch(message);
});
