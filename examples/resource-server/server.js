// A resource server that accepts tollgate's access tokens (docs/resource-servers.md), in plain Node:
//   TOLLGATE_URL=http://127.0.0.1:3000 CLIENT_ID=… CLIENT_SECRET=… node examples/resource-server/server.js
// Two routes, both needing the scope `todos:read`:
//   GET /local/whoami  verifies the token itself, with tollgate's public keys (JWKS): no call per request,
//                      but a token stays good here until it expires, even after its user logged out.
//   GET /live/whoami   asks tollgate (token introspection, RFC 7662) on every request: a token ended a
//                      moment ago is refused at once, at the cost of one round trip.
const http = require('node:http');
const { createRemoteJWKSet, jwtVerify } = require('jose');

const TOLLGATE_URL = required('TOLLGATE_URL');
const CLIENT_ID = required('CLIENT_ID');
const CLIENT_SECRET = required('CLIENT_SECRET');
// The audience tollgate puts in its tokens (its JWT_AUDIENCE), and the scope these routes need.
const AUDIENCE = process.env.TOLLGATE_AUDIENCE || 'tollgate';
const REQUIRED_SCOPE = 'todos:read';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

/** Where tollgate's keys and endpoints are, and its issuer name: from its metadata (RFC 8414). */
async function discover() {
  const response = await fetch(`${TOLLGATE_URL}/.well-known/oauth-authorization-server`);
  if (!response.ok) throw new Error(`metadata: ${response.status}`);
  return response.json();
}

/** A caller is a user (sub is the user's id) or a client acting for itself (sub equals client_id). */
function caller(claims) {
  const isClient = claims.client_id !== undefined && claims.sub === claims.client_id;
  return { kind: isClient ? 'client' : 'user', sub: claims.sub, client_id: claims.client_id, scope: claims.scope };
}

function hasScope(claims) {
  return typeof claims.scope === 'string' && claims.scope.split(' ').includes(REQUIRED_SCOPE);
}

/** Local check: signature against the JWKS, then iss, aud, exp and the header's typ (RFC 9068). */
function localVerifier(metadata) {
  const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri));
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: metadata.issuer,
        audience: AUDIENCE,
        typ: 'at+jwt',
        algorithms: ['EdDSA', 'ES256', 'RS256'],
      });
      return payload;
    } catch {
      return undefined;
    }
  };
}

/** Remote check: tollgate says whether the token stands right now, authenticating as our client. */
function introspectingVerifier(metadata) {
  const credentials = `${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`;
  const authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  return async (token) => {
    const response = await fetch(metadata.introspection_endpoint, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    });
    if (!response.ok) throw new Error(`introspection: ${response.status}`);
    const answer = await response.json();
    // Our own refresh tokens are active to us too: only an access token meant for this audience will do.
    const usable = answer.active === true && answer.token_type === 'Bearer' && answer.aud === AUDIENCE;
    return usable ? answer : undefined;
  };
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

async function handle(req, res, verifiers) {
  const verify = verifiers[req.url];
  if (req.method !== 'GET' || verify === undefined) return send(res, 404, { error: 'not_found' });
  const match = /^Bearer ([\x21-\x7E]+)$/.exec(req.headers.authorization || '');
  if (!match) return send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer' });
  const claims = await verify(match[1]);
  if (!claims)
    return send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
  if (!hasScope(claims))
    return send(
      res,
      403,
      { error: 'insufficient_scope' },
      { 'www-authenticate': `Bearer error="insufficient_scope", scope="${REQUIRED_SCOPE}"` },
    );
  return send(res, 200, caller(claims));
}

async function main() {
  const metadata = await discover();
  const verifiers = { '/local/whoami': localVerifier(metadata), '/live/whoami': introspectingVerifier(metadata) };
  const server = http.createServer((req, res) => {
    handle(req, res, verifiers).catch((error) => {
      console.error(error);
      send(res, 502, { error: 'upstream_unavailable' });
    });
  });
  server.listen(Number(process.env.PORT || 4000), '127.0.0.1', () => {
    console.log(`resource server listening on http://127.0.0.1:${server.address().port}`);
  });
  process.on('SIGTERM', () => server.close());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
