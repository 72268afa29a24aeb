/**
 * Redirect URI rules (RFC 9700 §4.1.3, RFC 8252): registered URIs are matched exactly, with one
 * exception: a loopback http URI matches on any port (RFC 8252 §7.3, native apps listen on an
 * ephemeral port). Allowed: https, loopback http (127.0.0.1, [::1], localhost), and private-use
 * schemes of native apps (a reverse domain name with a dot, RFC 8252 §7.1). Never a fragment.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/;

/** Why `uri` cannot be registered, or undefined when it can. */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (url.hash !== '' || uri.includes('#')) return 'must not have a fragment';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:')
    return LOOPBACK_HOSTS.has(url.hostname) ? undefined : 'must be https (http only for 127.0.0.1, [::1] or localhost)';
  if (PRIVATE_USE_SCHEME.test(url.protocol)) return undefined;
  return 'must be https, loopback http, or a private-use scheme such as com.example.app:/callback';
}

/** The registered URI `requested` matches, or undefined. */
export function matchRedirectUri(registered: readonly string[], requested: string): string | undefined {
  if (registered.includes(requested)) return requested;
  const loopback = withoutLoopbackPort(requested);
  if (loopback === undefined) return undefined;
  return registered.find((uri) => withoutLoopbackPort(uri) === loopback);
}

function withoutLoopbackPort(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.hash !== '') return undefined;
  url.port = '';
  return url.href;
}
