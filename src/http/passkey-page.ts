import type Router from '@koa/router';

/**
 * GET /ui/passkeys: a small page that drives the passkey ceremonies in a browser against this
 * server (register one after a password sign-in, then sign in with it), until the hosted sign-in
 * pages offer "Sign in with a passkey". Plain HTML and one script file, nothing from elsewhere.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>tollgate passkeys</title>
</head>
<body>
  <h1>Passkeys</h1>
  <form id="password-form">
    <label>Username <input id="username" autocomplete="username webauthn" required></label>
    <label>Password <input id="password" type="password" autocomplete="current-password" required></label>
    <button id="register" type="submit">Sign in and register a passkey</button>
  </form>
  <p><button id="sign-in" type="button">Sign in with a passkey</button></p>
  <p id="status" role="status"></p>
  <output id="access-token" hidden></output>
  <script src="/ui/passkeys.js"></script>
</body>
</html>
`;

// WebAuthn Level 3's JSON helpers (parse*OptionsFromJSON, credential.toJSON()) carry the options
// and results as the API speaks them; no base64url code of our own.
const SCRIPT = `'use strict';
const status = (text) => { document.getElementById('status').textContent = text; };
async function call(path, init) {
  const response = await fetch(path, init);
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body.detail || body.error_description || String(response.status));
  return body;
}
const json = (token, body) => ({ method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: JSON.stringify(body) });
const form = (fields) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

document.getElementById('password-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const password = document.getElementById('password').value;
    const login = await call('/token', form({ grant_type: 'password', username: document.getElementById('username').value, password, scope: 'me' }));
    const started = await call('/users/me/passkeys/registration/options', json(login.access_token, { current_password: password }));
    const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(started.options) });
    const passkey = await call('/users/me/passkeys/registration/verify', json(login.access_token, { challenge_id: started.challenge_id, credential: credential.toJSON() }));
    status('Passkey registered: ' + passkey.name);
  } catch (error) {
    status('Registration failed: ' + error.message);
  }
});

document.getElementById('sign-in').addEventListener('click', async () => {
  try {
    const started = await call('/passkeys/authentication/options', { method: 'POST' });
    const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(started.options) });
    const tokens = await call('/token', form({ grant_type: 'urn:tollgate:params:oauth:grant-type:passkey', challenge_id: started.challenge_id, credential: JSON.stringify(credential.toJSON()) }));
    const me = await call('/users/me', { headers: { authorization: 'Bearer ' + tokens.access_token } });
    const output = document.getElementById('access-token');
    output.textContent = tokens.access_token;
    status('Signed in as ' + me.username);
  } catch (error) {
    status('Sign-in failed: ' + error.message);
  }
});
`;

/** Only our own script; no framing; talks only to this server (the page handles a password and tokens). */
const HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; '),
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export const PASSKEY_PAGE_PATHS: readonly string[] = ['/ui/passkeys', '/ui/passkeys.js'];

export function mountPasskeyPage(router: Router): void {
  router.get('/ui/passkeys', (ctx) => {
    ctx.set(HEADERS);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  });
  router.get('/ui/passkeys.js', (ctx) => {
    ctx.set(HEADERS);
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = SCRIPT;
  });
}
