import { startTestApp, type TestApp } from '../support/test-app';
import { bearer, login, refresh, registeredUser } from '../support/flows';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function meStatus(accessToken: string): Promise<number> {
  return (await app.client.GET('/users/me', { headers: bearer(accessToken) })).response.status;
}

describe('changePassword', () => {
  test('204: the new password logs in, the old one does not, and every session has ended', async () => {
    const user = await registeredUser(app);
    const { response } = await app.client.PUT('/users/me/password', { headers: user.auth, body: { current_password: user.password, new_password: 'a brand new password' } });
    expect(response.status).toBe(204);

    expect((await login(app, user.username, user.password)).status).toBe(400);
    expect((await login(app, user.username, 'a brand new password')).status).toBe(200);
    expect(await meStatus(user.token)).toBe(401);
    expect((await refresh(app, user.refreshToken)).status).toBe(400);
  });

  test('a wrong current password → 400 wrong_password naming the field; nothing changes', async () => {
    const user = await registeredUser(app);
    const { response, error } = await app.client.PUT('/users/me/password', { headers: user.auth, body: { current_password: 'not my password', new_password: 'a brand new password' } });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 'wrong_password', errors: [{ location: 'body', field: 'current_password', message: 'is not the current password' }] });
    expect((await login(app, user.username, user.password)).status).toBe(200);
    expect(await meStatus(user.token)).toBe(200);
  });

  test.each([
    ['a new password under 8 characters', { new_password: 'short' }, 'new_password'],
    ['a new password over 72 characters', { new_password: 'é'.repeat(73) }, 'new_password'],
    ['no current password', { current_password: undefined }, 'current_password'],
    ['an unknown field', { confirm: 'x' }, 'confirm'],
  ])('%s → 400 validation_failed; the old password still works', async (_name, override, field) => {
    const user = await registeredUser(app);
    const body = { current_password: user.password, new_password: 'a brand new password', ...override };
    const response = await app.raw('/users/me/password', { method: 'PUT', headers: { ...user.auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; errors: { field?: string }[] };
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.field)).toContain(field);
    expect((await login(app, user.username, user.password)).status).toBe(200);
  });
});
