import { movableClock } from '../support/clock';
import { startTestApp } from '../support/test-app';

const newUser = (n: number) => ({
  username: `newcomer${n}`,
  email: `newcomer${n}@example.com`,
  password: 'a long enough password',
});

describe('createUser: registrations per client IP', () => {
  test('past REGISTRATION_MAX_PER_IP in REGISTRATION_WINDOW → 429 too_many_requests with Retry-After, then allowed again', async () => {
    const clock = movableClock();
    const app = await startTestApp({ REGISTRATION_MAX_PER_IP: '2', REGISTRATION_WINDOW: '600' }, clock);
    expect((await app.client.POST('/users', { body: newUser(1) })).response.status).toBe(201);
    // A refused registration counts too: a 409 tells whether a name is taken.
    expect((await app.client.POST('/users', { body: newUser(1) })).response.status).toBe(409);

    const { response, error } = await app.client.POST('/users', { body: newUser(2) });
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('retry-after')).toBe('600');
    expect(error?.code).toBe('too_many_requests');
    expect(
      await app.server.services.db.selectFrom('users').select('id').where('username', '=', 'newcomer2').execute(),
    ).toEqual([]);

    clock.advance(600);
    expect((await app.client.POST('/users', { body: newUser(2) })).response.status).toBe(201);
    await app.close();
  });
});
