/**
 * The benchmark's peer for GET /users/me: Fastify 5 with @fastify/jwt (HS256, verified on every
 * request in an onRequest hook, as its documentation does it), the same user-and-session read and
 * checks as the hand-made floor (floor-db.ts), and the spec's User as the route's response schema
 * (Fastify serialises it with its compiled serializer). PORT, HOST, DATABASE_FILE and
 * FLOOR_JWT_SECRET from the environment.
 */
import fastifyJwt from '@fastify/jwt';
import Fastify from 'fastify';
import { FLOOR_AUDIENCE, FLOOR_ISSUER, openFloorDatabase, type FloorClaims } from './floor-db';

const readUser = openFloorDatabase(process.env.DATABASE_FILE ?? ':memory:');

const USER_SCHEMA = {
  type: 'object',
  required: ['id', 'username', 'email', 'is_active', 'roles', 'created_at', 'mfa_enabled', 'email_verified'],
  properties: {
    id: { type: 'integer' },
    username: { type: 'string' },
    email: { type: 'string' },
    is_active: { type: 'boolean' },
    mfa_enabled: { type: 'boolean' },
    roles: { type: 'array', items: { type: 'string' } },
    created_at: { type: 'string' },
    email_verified: { type: 'boolean' },
    pending_email: { type: ['string', 'null'] },
  },
} as const;

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  await app.register(fastifyJwt, {
    secret: process.env.FLOOR_JWT_SECRET ?? '',
    verify: { algorithms: ['HS256'], allowedIss: FLOOR_ISSUER, allowedAud: FLOOR_AUDIENCE },
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get(
    '/users/me',
    {
      schema: { response: { 200: USER_SCHEMA, 401: { type: 'null' } } },
      onRequest: async (request, reply) => {
        try {
          await request.jwtVerify();
        } catch {
          await reply.code(401).send(null);
        }
      },
    },
    async (request, reply) => {
      const user = readUser(request.user as FloorClaims);
      if (!user) return reply.code(401).send(null);
      return user;
    },
  );
  await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
