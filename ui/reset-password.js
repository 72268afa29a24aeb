// /ui/reset-password?token=…: the link in the reset mail. Opening it changes nothing (mail scanners
// open links); only submitting the form posts the token with the new password.
import { postJson, setBusy, showMessage, showProblem, takeQueryParameter } from './common.js';

const form = document.getElementById('reset-form');
const message = document.getElementById('message');
const password = document.getElementById('new_password');
const repeat = document.getElementById('repeat_password');
const token = takeQueryParameter('token');

if (token === undefined || token === '') {
  form.hidden = true;
  showMessage(message, 'This link is incomplete. Open the link from the mail again, or ask for a new one.', 'error');
} else {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  setBusy(form, false);
  password.focus();
}

async function submit() {
  if (password.value === '') {
    showMessage(message, 'Enter a new password.', 'error');
    password.focus();
    return;
  }
  if (password.value !== repeat.value) {
    repeat.setAttribute('aria-invalid', 'true');
    showMessage(message, 'The two passwords differ. Type the same password twice.', 'error');
    repeat.focus();
    return;
  }
  repeat.removeAttribute('aria-invalid');
  setBusy(form, true);
  const result = await postJson('/password-reset/confirm', { token, new_password: password.value });
  if (result.ok) {
    form.hidden = true;
    showMessage(
      message,
      'Your password was changed and every session was signed out. Sign in with the new password.',
      'success',
    );
    return;
  }
  showProblem(message, result.problem, form);
  // A spent, expired or malformed link cannot succeed on a retry; a refused password can.
  const deadLink =
    result.problem.code === 'invalid_mail_token' ||
    (result.problem.errors ?? []).some((error) => error.field === 'token');
  if (deadLink) {
    form.hidden = true;
    return;
  }
  setBusy(form, false);
  password.focus();
}
