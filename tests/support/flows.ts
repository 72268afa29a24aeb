import type { TestApp } from './test-app';

export interface TestUser {
  username: string;
  email: string;
  password: string;
  token: string;
  auth: { Authorization: string };
}

let counter = 0;

export function tokenRequest(fields: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
}

export async function login(app: TestApp, username: string, password: string, scope?: string): Promise<Response> {
  return app.raw('/token', tokenRequest({ grant_type: 'password', username, password, ...(scope !== undefined && { scope }) }));
}

/** Registers a fresh user through the API and logs them in. */
export async function registeredUser(app: TestApp, scope?: string): Promise<TestUser> {
  counter += 1;
  const username = `user${counter}_${process.pid}`;
  const user = { username, email: `${username}@example.com`, password: `password-${counter}-long` };
  const created = await app.client.POST('/users', { body: user });
  if (created.response.status !== 201) throw new Error(`registration failed: ${created.response.status}`);
  const response = await login(app, username, user.password, scope);
  const { access_token } = (await response.json()) as { access_token: string };
  return { ...user, token: access_token, auth: { Authorization: `Bearer ${access_token}` } };
}
