// /ui/passkeys: registers a passkey (after a password sign-in) and signs in with one, through the
// API (docs/passkeys.md). WebAuthn Level 3's JSON helpers carry the options and the results as the
// API speaks them (parse*OptionsFromJSON, credential.toJSON()): no base64url code here.
import { apiUrl, postJson, setBusy, showMessage, showProblem } from './common.js';

const PASSKEY_GRANT = 'urn:tollgate:params:oauth:grant-type:passkey';
const registerForm = document.getElementById('register-form');
const signInForm = document.getElementById('sign-in-form');
const message = document.getElementById('message');
const output = document.getElementById('access-token');

/** POST /token: RFC 6749 errors become problem-like objects, so showProblem shows them too. */
async function token(fields) {
  const response = await fetch(apiUrl('/token'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    cache: 'no-store',
  });
  const body = await response.json().catch(() => ({}));
  return response.ok
    ? { ok: true, body }
    : { ok: false, problem: { title: body.error_description || 'Sign-in failed', detail: body.error } };
}

async function register() {
  const password = document.getElementById('password').value;
  const login = await token({
    grant_type: 'password',
    username: document.getElementById('username').value,
    password,
    scope: 'me',
  });
  if (!login.ok) return showProblem(message, login.problem, registerForm);
  const auth = { Authorization: `Bearer ${login.body.access_token}` };
  const started = await postJson('/users/me/passkeys/registration/options', { current_password: password }, auth);
  if (!started.ok) return showProblem(message, started.problem, registerForm);
  const credential = await navigator.credentials.create({
    publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(started.body.options),
  });
  const verified = await postJson(
    '/users/me/passkeys/registration/verify',
    { challenge_id: started.body.challenge_id, credential: credential.toJSON() },
    auth,
  );
  if (!verified.ok) return showProblem(message, verified.problem, registerForm);
  showMessage(message, `Passkey registered: ${verified.body.name}`, 'success');
}

async function signIn() {
  const started = await postJson('/passkeys/authentication/options', {});
  if (!started.ok) return showProblem(message, started.problem);
  const credential = await navigator.credentials.get({
    publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(started.body.options),
  });
  const tokens = await token({
    grant_type: PASSKEY_GRANT,
    challenge_id: started.body.challenge_id,
    credential: JSON.stringify(credential.toJSON()),
  });
  if (!tokens.ok) return showProblem(message, tokens.problem);
  const me = await fetch(apiUrl('/users/me'), {
    headers: { Authorization: `Bearer ${tokens.body.access_token}` },
    cache: 'no-store',
  }).then((r) => r.json());
  output.textContent = tokens.body.access_token;
  showMessage(message, `Signed in as ${me.username}`, 'success');
}

/** Runs one ceremony with the form disabled; a cancelled or failed ceremony is shown, not thrown. */
function onSubmit(form, run) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setBusy(form, true);
    try {
      await run();
    } catch (error) {
      showMessage(message, `The passkey ceremony did not complete: ${error.message}`, 'error');
    } finally {
      setBusy(form, false);
    }
  });
  setBusy(form, false);
}

onSubmit(registerForm, register);
onSubmit(signInForm, signIn);
