import { ResourceOwnerPassword } from 'simple-oauth2';
import { startTestApp, type TestApp } from '../support/test-app';
import { registeredUser } from '../support/flows';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

// simple-oauth2 is a widely used OAuth2 client; it sends client credentials as HTTP Basic by default.
const oauthClient = () =>
  new ResourceOwnerPassword({
    client: { id: 'web-app', secret: 'unused' },
    auth: { tokenHost: app.url, tokenPath: '/token' },
  });

test('a real OAuth2 client library does the password grant unchanged', async () => {
  const user = await registeredUser(app);
  const accessToken = await oauthClient().getToken({
    username: user.username,
    password: user.password,
    scope: ['me', 'todos:read'],
  });
  expect(accessToken.token).toMatchObject({ token_type: 'bearer', expires_in: 900, scope: 'me todos:read' });
  const me = await app.client.GET('/users/me', {
    headers: { Authorization: `Bearer ${String(accessToken.token.access_token)}` },
  });
  expect(me.data?.username).toBe(user.username);
});

test('the library surfaces our RFC 6749 error for a wrong password', async () => {
  const user = await registeredUser(app);
  await expect(oauthClient().getToken({ username: user.username, password: 'wrong password' })).rejects.toMatchObject({
    data: { payload: { error: 'invalid_grant' } },
  });
});
