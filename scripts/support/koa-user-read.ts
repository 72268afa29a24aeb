/**
 * The benchmark's floor for GET /users/me: bare Koa doing by hand only what no version of that
 * operation can skip — verify the bearer JWT (jsonwebtoken, HS256, on every request: no cache),
 * read the user with the token's session (the statement tollgate runs), check it, answer the
 * spec's User as JSON. No routing, validation, logging, metrics or CORS. See floor-db.ts.
 * PORT, HOST, DATABASE_FILE (a new file) and FLOOR_JWT_SECRET from the environment.
 */
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import Koa from 'koa';
import { FLOOR_AUDIENCE, FLOOR_ISSUER, openFloorDatabase, type FloorClaims } from './floor-db';

// A key object, made once: given a string, jsonwebtoken first tries to read it as a public key,
// and that failed attempt cost ~360 µs per request here (OpenSSL 3), ten times the rest of the floor.
const secret = createSecretKey(Buffer.from(process.env.FLOOR_JWT_SECRET ?? '', 'utf8'));
const readUser = openFloorDatabase(process.env.DATABASE_FILE ?? ':memory:');
const BEARER = /^Bearer (.+)$/;

function claimsOf(authorization: string): FloorClaims | undefined {
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) return undefined;
  try {
    return jwt.verify(token, secret, {
      algorithms: ['HS256'],
      issuer: FLOOR_ISSUER,
      audience: FLOOR_AUDIENCE,
    }) as FloorClaims;
  } catch {
    return undefined;
  }
}

const app = new Koa();
app.use((ctx) => {
  if (ctx.path === '/healthz') {
    ctx.body = { status: 'ok' };
    return;
  }
  const claims = claimsOf(ctx.get('Authorization'));
  const user = claims && readUser(claims);
  if (!user) {
    ctx.status = 401;
    return;
  }
  ctx.body = user;
});
app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
