// /ui/authorize?authorization_id=…: where /oauth/authorize sends the browser (docs/oauth.md). Signs the
// user in (password, then the second factor after mfa_required; or a passkey, which is both factors at
// once), then asks for consent. The sign-in
// cookie (HttpOnly, set by the consent answer) lets a later visit skip the sign-in.
import { apiUrl, postJson, setBusy, showMessage, showProblem, takeQueryParameter } from './common.js';

const SCOPE_WORDS = {
  openid: 'Know who you are (your user id)',
  profile: 'See your username',
  email: 'See your email address',
  me: 'Read your account details',
  'todos:read': 'Read your todos',
  'todos:write': 'Create, change and delete your todos',
  'users:admin': 'Administer every user (admin)',
};
const MFA_OTP = 'urn:tollgate:params:oauth:grant-type:mfa-otp';
const MFA_RECOVERY_CODE = 'urn:tollgate:params:oauth:grant-type:mfa-recovery-code';
const PASSKEY_GRANT = 'urn:tollgate:params:oauth:grant-type:passkey';
// WebAuthn Level 3's JSON helpers carry the options and the answer as the API speaks them.
const passkeysSupported =
  typeof window.PublicKeyCredential === 'function' &&
  typeof window.PublicKeyCredential.parseRequestOptionsFromJSON === 'function';

const signInForm = document.getElementById('sign-in-form');
const secondFactorForm = document.getElementById('second-factor-form');
const consentForm = document.getElementById('consent-form');
const message = document.getElementById('message');
const authorizationId = takeQueryParameter('authorization_id');
// In memory only: the page's own access token, gone with the page.
let accessToken;
let mfaToken;

if (authorizationId === undefined || authorizationId === '') {
  showMessage(message, 'This sign-in link is incomplete. Go back to the app and start again.', 'error');
} else {
  signInForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn();
  });
  signInForm.querySelector('#passkey').addEventListener('click', () => void signInWithPasskey());
  secondFactorForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void secondFactor();
  });
  consentForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void decide(event.submitter && event.submitter.value === 'deny' ? 'deny' : 'approve');
  });
  void load();
}

function authHeaders() {
  return accessToken === undefined ? {} : { Authorization: `Bearer ${accessToken}` };
}

/** The pending request: shown for consent when signed in (bearer or sign-in cookie), else the sign-in form. */
async function load() {
  let response;
  try {
    response = await fetch(apiUrl(`/oauth/authorizations/${encodeURIComponent(authorizationId)}`), {
      headers: { Accept: 'application/json', ...authHeaders() },
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    showMessage(message, 'The server could not be reached. Check your connection and try again.', 'error');
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (response.status === 401 && accessToken === undefined) return showSignIn();
  if (!response.ok) return showProblem(message, body);
  if (!body.consent_required) return decide('approve');
  showConsent(body);
}

function showSignIn() {
  signInForm.hidden = false;
  setBusy(signInForm, false);
  const passkey = signInForm.querySelector('#passkey');
  passkey.hidden = !passkeysSupported;
  passkey.disabled = !passkeysSupported;
  signInForm.querySelector('#username').focus();
}

/** A discoverable passkey: the browser offers the user's passkeys, the one chosen names the account. */
async function signInWithPasskey() {
  setBusy(signInForm, true);
  message.hidden = true;
  try {
    const started = await postJson('/passkeys/authentication/options', {});
    if (!started.ok) throw new Error(started.problem.title);
    const credential = await navigator.credentials.get({
      publicKey: window.PublicKeyCredential.parseRequestOptionsFromJSON(started.body.options),
    });
    const result = await postForm({
      grant_type: PASSKEY_GRANT,
      challenge_id: started.body.challenge_id,
      credential: JSON.stringify(credential.toJSON()),
      scope: 'me',
    });
    if (result.ok) return signedIn(signInForm, result.body);
    setBusy(signInForm, false);
    showOAuthError(result);
  } catch (error) {
    // A cancelled or refused ceremony (NotAllowedError) is shown; the password form stays usable.
    setBusy(signInForm, false);
    showMessage(message, `The passkey sign-in did not complete: ${error.message}`, 'error');
  }
}

async function signIn() {
  // Read before setBusy: disabled controls are left out of a FormData.
  const data = new FormData(signInForm);
  setBusy(signInForm, true);
  message.hidden = true;
  const result = await postForm({
    grant_type: 'password',
    username: data.get('username'),
    password: data.get('password'),
    scope: 'me',
  });
  if (result.ok) return signedIn(signInForm, result.body);
  setBusy(signInForm, false);
  if (result.body.error === 'mfa_required') {
    mfaToken = result.body.mfa_token;
    signInForm.hidden = true;
    secondFactorForm.hidden = false;
    setBusy(secondFactorForm, false);
    secondFactorForm.querySelector('#code').focus();
    return;
  }
  showOAuthError(result);
}

async function secondFactor() {
  const code = new FormData(secondFactorForm).get('code').trim();
  setBusy(secondFactorForm, true);
  message.hidden = true;
  const fields = /^[0-9]{6}$/.test(code)
    ? { grant_type: MFA_OTP, mfa_token: mfaToken, otp: code }
    : { grant_type: MFA_RECOVERY_CODE, mfa_token: mfaToken, recovery_code: code };
  const result = await postForm(fields);
  if (result.ok) return signedIn(secondFactorForm, result.body);
  setBusy(secondFactorForm, false);
  showOAuthError(result);
}

function signedIn(form, body) {
  accessToken = body.access_token;
  form.hidden = true;
  void load();
}

function showConsent(authorization) {
  document.getElementById('heading').textContent = 'Allow access?';
  document.getElementById('client-name').textContent = authorization.client.name;
  const list = document.getElementById('scopes');
  list.replaceChildren(
    ...authorization.scopes.map((scope) =>
      Object.assign(document.createElement('li'), { textContent: SCOPE_WORDS[scope] || scope }),
    ),
  );
  consentForm.hidden = false;
  setBusy(consentForm, false);
  consentForm.querySelector('button[value="approve"]').focus();
}

async function decide(action) {
  setBusy(consentForm, true);
  const result = await postJson(
    `/oauth/authorizations/${encodeURIComponent(authorizationId)}/consent`,
    { action },
    authHeaders(),
  );
  if (!result.ok) {
    showProblem(message, result.problem, consentForm);
    return;
  }
  showMessage(message, action === 'approve' ? 'Signed in. Returning to the app…' : 'Returning to the app…', 'info');
  window.location.assign(result.body.redirect_url);
}

/** POST /token as a form (RFC 6749 §4.3); resolves to { ok, status, body }. */
async function postForm(fields) {
  try {
    const response = await fetch(apiUrl('/token'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(fields).toString(),
      credentials: 'same-origin',
      cache: 'no-store',
    });
    return { ok: response.ok, status: response.status, body: await response.json().catch(() => ({})) };
  } catch {
    return {
      ok: false,
      status: 0,
      body: { error_description: 'The server could not be reached. Check your connection and try again.' },
    };
  }
}

function showOAuthError(result) {
  const text =
    result.status === 429
      ? 'Too many attempts. Wait a while and try again.'
      : result.body.error_description || 'Sign-in failed.';
  showMessage(message, text, 'error');
}
