// Shared by every page under /ui/: calling the API, showing its answers, reading a token from the URL.
// Plain browser JavaScript (an ES module, no build step); the pages import what they use.

/**
 * The URL of an API path (`/password-reset/confirm`): the API sits one level above the pages, so
 * the pages also work when a proxy serves tollgate under a path prefix (PUBLIC_URL with a path).
 */
export function apiUrl(path) {
  return new URL(`..${path}`, window.location.href).href;
}

/**
 * POSTs `body` as JSON to an API path of this server (`/password-reset/confirm`, see apiUrl). Resolves to `{ ok: true, status, body }` or,
 * for any error, `{ ok: false, status, problem }` with RFC 9457 problem details (a network failure
 * becomes one too, status 0), so a page handles every outcome the same way.
 */
export async function postJson(path, body, headers = {}) {
  let response;
  try {
    response = await fetch(apiUrl(path), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json', ...headers },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    return {
      ok: false,
      status: 0,
      problem: { title: 'The server could not be reached', detail: 'Check your connection and try again.' },
    };
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, body: parsed };
  const problem =
    parsed && typeof parsed === 'object'
      ? parsed
      : { title: `The server answered ${response.status}`, detail: 'Try again later.' };
  return { ok: false, status: response.status, problem };
}

/**
 * Shows problem details in `box` (a role="alert" element): the title, the detail, and each field
 * error named by its field's label in `form` (whose input is marked aria-invalid). Only text
 * nodes are written, never HTML, whatever the server said.
 */
export function showProblem(box, problem, form) {
  clearInvalid(form);
  box.replaceChildren();
  box.className = 'message error';
  box.append(element('strong', problem.title || 'Something went wrong'));
  if (problem.detail) box.append(element('p', problem.detail));
  const errors = Array.isArray(problem.errors) ? problem.errors : [];
  if (errors.length > 0) {
    const list = element('ul');
    for (const error of errors) {
      const input = form && error.field ? form.querySelector(`[name="${CSS.escape(error.field)}"]`) : null;
      if (input) input.setAttribute('aria-invalid', 'true');
      const label = input && input.labels && input.labels[0] ? input.labels[0].textContent.trim() : error.field;
      list.append(element('li', label ? `${label}: ${error.message}` : error.message));
    }
    box.append(list);
  }
  box.hidden = false;
}

/** Shows a plain message in `box`: kind is 'success', 'info' or 'error'. */
export function showMessage(box, text, kind = 'info') {
  box.replaceChildren(element('p', text));
  box.className = `message ${kind}`;
  box.hidden = false;
}

/**
 * Reads a secret (a mailed token) from the page's query string and removes it from the address
 * bar and the history entry at once, so it is not left in history, bookmarks or a shared screen.
 * The value is kept in memory only: a reload shows the page without it.
 */
export function takeQueryParameter(name) {
  const url = new URL(window.location.href);
  const value = url.searchParams.get(name);
  if (value === null) return undefined;
  url.searchParams.delete(name);
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  return value;
}

/** Disables the form's controls while a request runs (no double submit), and enables them again. */
export function setBusy(form, busy) {
  for (const control of form.elements) control.disabled = busy;
  form.setAttribute('aria-busy', String(busy));
}

function clearInvalid(form) {
  if (!form) return;
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

function element(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}
