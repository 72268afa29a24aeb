import { startTestApp, type TestApp } from '../support/test-app';
import { registeredUser, type OAuthErrorBody, type TokenBody } from '../support/flows';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const form = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
const encoded = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

// FastAPI's OAuth2PasswordRequestForm clients send no grant_type; RFC 6749 §3.2 makes unknown parameters ignorable.
describe('issueToken: forms as OAuth2 and FastAPI clients send them', () => {
  test('username and password without grant_type → a password grant (200)', async () => {
    const user = await registeredUser(app);
    const response = await app.raw('/token', form(encoded({ username: user.username, password: user.password })));
    expect(response.status).toBe(200);
    expect(((await response.json()) as TokenBody).token_type).toBe('bearer');
  });

  test('without grant_type a wrong password is still 400 invalid_grant', async () => {
    const user = await registeredUser(app);
    const response = await app.raw('/token', form(encoded({ username: user.username, password: 'not the password' })));
    expect(response.status).toBe(400);
    expect((await response.json()) as OAuthErrorBody).toEqual({ error: 'invalid_grant', error_description: 'Invalid username or password.' });
  });

  test.each([
    ['a password grant', (u: { username: string; password: string }) => ({ grant_type: 'password', username: u.username, password: u.password, color: 'red', client_secret: '' })],
    ['a password grant without grant_type', (u: { username: string; password: string }) => ({ username: u.username, password: u.password, refresh_token: 'x' })],
  ])('unknown parameters in %s are ignored (RFC 6749 §3.2)', async (_name, fields) => {
    const user = await registeredUser(app);
    expect((await app.raw('/token', form(encoded(fields(user))))).status).toBe(200);
  });

  test('an unknown parameter in a refresh grant is ignored', async () => {
    const user = await registeredUser(app);
    const response = await app.raw('/token', form(encoded({ grant_type: 'refresh_token', refresh_token: user.refreshToken, password: 'x', device: 'phone' })));
    expect(response.status).toBe(200);
  });

  test.each([
    ['grant_type', (u: string, p: string) => `grant_type=password&grant_type=password&username=${u}&password=${p}`, 'grant_type was sent more than once.'],
    ['username', (u: string, p: string) => `grant_type=password&username=${u}&username=${u}&password=${p}`, 'username was sent more than once.'],
  ])('a repeated parameter (%s) → 400 invalid_request (RFC 6749 §3.1)', async (_name, body, description) => {
    const user = await registeredUser(app);
    const response = await app.raw('/token', form(body(user.username, encodeURIComponent(user.password))));
    expect(response.status).toBe(400);
    expect((await response.json()) as OAuthErrorBody).toEqual({ error: 'invalid_request', error_description: description });
  });

  test('a repeated unknown parameter is ignored like any unknown one (RFC 6749 §3.2)', async () => {
    const user = await registeredUser(app);
    const response = await app.raw('/token', form(`username=${user.username}&password=${encodeURIComponent(user.password)}&color=red&color=blue`));
    expect(response.status).toBe(200);
  });
});

describe('revokeToken: unknown parameters', () => {
  test('are ignored (RFC 6749 §3.2)', async () => {
    const user = await registeredUser(app);
    expect((await app.raw('/token/revoke', form(encoded({ token: user.refreshToken, client_secret: 'x', reason: 'lost phone' })))).status).toBe(200);
    const refreshed = await app.raw('/token', form(encoded({ grant_type: 'refresh_token', refresh_token: user.refreshToken })));
    expect(refreshed.status).toBe(400);
  });

  test('repeated, are still ignored; a repeated token → 400 invalid_request', async () => {
    expect((await app.raw('/token/revoke', form('token=abc&reason=a&reason=b'))).status).toBe(200);
    const response = await app.raw('/token/revoke', form('token=abc&token=abc'));
    expect(response.status).toBe(400);
    expect((await response.json()) as OAuthErrorBody).toEqual({ error: 'invalid_request', error_description: 'token was sent more than once.' });
  });
});
