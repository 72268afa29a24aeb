import type { components } from '../../generated/api';
import { registerUser } from '../../src/services/registration';
import type { TestApp } from './test-app';

export interface TestUser {
  username: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
  auth: { Authorization: string };
}

export type TokenBody = components['schemas']['TokenResponse'];
export type OAuthErrorBody = components['schemas']['OAuthError'];

let counter = 0;

export function tokenRequest(fields: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
}

export async function login(app: TestApp, username: string, password: string, scope?: string): Promise<Response> {
  return app.raw('/token', tokenRequest({ grant_type: 'password', username, password, ...(scope !== undefined && { scope }) } satisfies components['schemas']['PasswordGrantRequest']));
}

export async function refresh(app: TestApp, refreshToken: string, scope?: string): Promise<Response> {
  return app.raw('/token', tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, ...(scope !== undefined && { scope }) } satisfies components['schemas']['RefreshTokenGrantRequest']));
}

export async function revoke(app: TestApp, token: string): Promise<Response> {
  return app.raw('/token/revoke', tokenRequest({ token }));
}

export const bearer = (accessToken: string) => ({ Authorization: `Bearer ${accessToken}` });

/** Registers a fresh user through the API and logs them in. */
export async function registeredUser(app: TestApp, scope?: string): Promise<TestUser> {
  counter += 1;
  const username = `user${counter}_${process.pid}`;
  const user = { username, email: `${username}@example.com`, password: `password-${counter}-long` };
  const created = await app.client.POST('/users', { body: user });
  if (created.response.status !== 201) throw new Error(`registration failed: ${created.response.status}`);
  const response = await login(app, username, user.password, scope);
  const { access_token, refresh_token } = (await response.json()) as TokenBody;
  return { ...user, token: access_token, refreshToken: refresh_token ?? '', auth: bearer(access_token) };
}

/** An admin, created the way the operator CLI does it (admins cannot register over HTTP), then logged in over HTTP. */
export async function registeredAdmin(app: TestApp, scope?: string): Promise<TestUser> {
  counter += 1;
  const username = `admin${counter}_${process.pid}`;
  const admin = { username, email: `${username}@example.com`, password: `admin-password-${counter}` };
  await registerUser(app.server.services, admin, 'admin', true);
  const { access_token, refresh_token } = (await (await login(app, username, admin.password, scope)).json()) as TokenBody;
  return { ...admin, token: access_token, refreshToken: refresh_token ?? '', auth: bearer(access_token) };
}
