// /ui/verify-email?token=…: the link in the verification mail. Never confirms on load (mail scanners
// open links and would spend the token); the button posts it.
import { postJson, setBusy, showMessage, showProblem, takeQueryParameter } from './common.js';

const form = document.getElementById('verify-form');
const message = document.getElementById('message');
const token = takeQueryParameter('token');

if (token === undefined || token === '') {
  form.hidden = true;
  showMessage(message, 'This link is incomplete. Open the link from the mail again, or ask for a new one.', 'error');
} else {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void confirmAddress();
  });
  setBusy(form, false);
  form.querySelector('button').focus();
}

async function confirmAddress() {
  setBusy(form, true);
  const result = await postJson('/email-verification/confirm', { token });
  if (result.ok) {
    form.hidden = true;
    showMessage(message, 'Your email address is confirmed. You can close this page.', 'success');
    return;
  }
  showProblem(message, result.problem, form);
  // Only a network failure or a server error is worth a second press.
  if (result.status === 0 || result.status >= 500) setBusy(form, false);
  else form.hidden = true;
}
