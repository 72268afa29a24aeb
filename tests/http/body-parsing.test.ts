import { registeredUser } from '../support/flows';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

// Only operations that declare a request body read one, so these can never answer a 400, 413 or
// 415 that their spec entry does not list.
describe('a body sent to an operation that declares none is ignored', () => {
  test('an oversized body on DELETE /users/me/sessions → 204, not 413', async () => {
    const user = await registeredUser(app);
    const response = await app.raw('/users/me/sessions', {
      method: 'DELETE',
      headers: { ...user.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'x'.repeat(200 * 1024) }),
    });
    expect(response.status).toBe(204);
  });

  test('malformed JSON or an odd content type on DELETE /todos/{id} → 204, not 400 or 415', async () => {
    const user = await registeredUser(app);
    const ids = await Promise.all(
      [1, 2].map(
        async () => (await app.client.POST('/todos', { body: { title: 'Buy milk' }, headers: user.auth })).data?.id,
      ),
    );
    const malformed = await app.raw(`/todos/${ids[0]}`, {
      method: 'DELETE',
      headers: { ...user.auth, 'content-type': 'application/json' },
      body: '{"oops',
    });
    const odd = await app.raw(`/todos/${ids[1]}`, {
      method: 'DELETE',
      headers: { ...user.auth, 'content-type': 'text/csv' },
      body: 'a,b',
    });
    expect([malformed.status, odd.status]).toEqual([204, 204]);
  });
});
