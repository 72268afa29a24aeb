import type { operations } from '../../../generated/api';
import type { AdminActor } from '../../audit';
import type { Principal, UserPrincipal } from './bearer';
import type { Dependencies } from '../../dependencies';

/** Everything a handler needs to know about one operation is derived from the generated spec types. */
export type OperationId = keyof operations;

type Parameters<Id extends OperationId> = operations[Id]['parameters'];
type PathOf<Id extends OperationId> = NonNullable<Parameters<Id>['path']>;
type QueryOf<Id extends OperationId> = NonNullable<Parameters<Id>['query']>;
type BodyOf<Id extends OperationId> = operations[Id] extends { requestBody: { content: infer C } }
  ? C[keyof C]
  : // An optional body (`required: false`) may be left out.
    Exclude<operations[Id]['requestBody'], undefined> extends { content: infer C }
    ? C[keyof C] | undefined
    : undefined;

type Responses<Id extends OperationId> = operations[Id]['responses'];
// 302: the authorization endpoint answers only with redirects (RFC 6749 §4.1.1).
type SuccessStatus<Id extends OperationId> = Extract<keyof Responses<Id>, 200 | 201 | 202 | 204 | 302>;
type ContentOf<R> = R extends { content: infer C } ? C[keyof C] : undefined;

export interface OperationInput<Id extends OperationId> {
  readonly path: PathOf<Id>;
  readonly query: QueryOf<Id>;
  readonly body: BodyOf<Id>;
  /** The raw `Cookie` header: the refresh cookie's name is configurable, and two cookies of one name must be seen. */
  readonly cookieHeader: string | undefined;
  /** The `Authorization` request header, for client authentication at the token endpoint (RFC 6749 §2.3.1, HTTP Basic). */
  readonly authorization: string | undefined;
  /** The `Origin` request header, for the checks that stop cross-site use of the refresh cookie. */
  readonly origin: string | undefined;
  /** scheme://host this request was addressed to, for URLs when PUBLIC_URL is unset; undefined for an invalid Host. */
  readonly serverOrigin: string | undefined;
  /**
   * Who the attempt limits count: the socket's address, or with TRUST_PROXY=true the one our proxy put
   * last in X-Forwarded-For, canonical (see http/middleware/client-address.ts), an IPv6 address as its /64.
   */
  readonly clientIp: string;
  /** The `User-Agent` request header, if any. */
  readonly userAgent: string | undefined;
  /** Set for every operation that has `security` in the spec; the security handler ran first. */
  readonly principal: Principal | undefined;
}

/** Handlers return only successes; failures are thrown as ApiError/OAuthError and rendered in one place. */
export type OperationResult<Id extends OperationId> = {
  [S in SuccessStatus<Id>]: { status: S; body: ContentOf<Responses<Id>[S]>; headers?: Record<string, string> };
}[SuccessStatus<Id>];

export type OperationHandler<Id extends OperationId> = (
  input: OperationInput<Id>,
  services: Dependencies,
) => Promise<OperationResult<Id>>;

/** Typed so it must be complete: a spec operation without a handler does not compile. */
export type HandlerMap = { [Id in OperationId]: OperationHandler<Id> };

/** Makes an outcome → error mapping exhaustive: a new outcome leaves this call with an argument that is not `never`, which fails to compile. */
export function unhandledOutcome(outcome: never): never {
  throw new Error(`unhandled outcome ${JSON.stringify(outcome)}`);
}

/** The caller of a protected operation: a user, or (admin operations only) a client for itself. */
export function caller(input: { principal: Principal | undefined }): Principal {
  if (!input.principal) throw new Error('handler of a protected operation ran without a principal');
  return input.principal;
}

/** The user of an operation that acts for one; the security handler admits no client token there. */
export function authenticated(input: { principal: Principal | undefined }): UserPrincipal {
  const principal = caller(input);
  if (principal.kind !== 'user') throw new Error('a client token reached an operation that acts for a user');
  return principal;
}

/** Who is administering, for the audit events of admin operations. */
export function adminActor(input: { principal: Principal | undefined }): AdminActor {
  const principal = caller(input);
  return principal.kind === 'user' ? { admin_id: principal.user.id } : { admin_client_id: principal.client.client_id };
}

/** Operations that speak RFC 6749 §5.2 errors instead of problem details. */
export const OAUTH_OPERATIONS: ReadonlySet<string> = new Set<OperationId>([
  'issueToken',
  'revokeToken',
  'introspectToken',
]);
