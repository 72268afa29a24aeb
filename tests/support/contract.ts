import { OpenAPIRouter, type Document } from 'openapi-backend';
import type { OpenAPIV3_1 } from 'openapi-types';
import { dereferenceSync } from 'dereference-json-schema';
import { createResponseValidator } from '../../src/http/openapi/response-validator';
import { loadSpec } from '../../src/spec';

// The tests' contract check IS the server's own response check: the same code,
// src/http/openapi/response-validator.ts, fed its own dereferenced copy of openapi.yaml (not the copy the server
// serves). A bug in that validator would pass unnoticed here and in the server alike, so it is not a
// second opinion. The independent one is Prism, another implementation reading openapi.yaml itself:
// tests/contract/proxy.test.ts runs every operation through `prism proxy --errors`, and
// tests/contract/mock.test.ts checks Prism's mock. Keep both.
const document = dereferenceSync(structuredClone(loadSpec().document)) as unknown as OpenAPIV3_1.Document;
const router = new OpenAPIRouter({ definition: document as unknown as Document });
const validator = createResponseValidator(document);

export function operationIdOf(method: string, path: string): string | undefined {
  return router.matchOperation({ method, path, headers: {} })?.operationId;
}

export function responseBreaches(operationId: string, status: number, contentType: string | undefined, body: unknown): string[] {
  return validator.check(operationId, status, contentType, body);
}

export interface DeclaredResponse {
  readonly status: number;
  /** Media types documented for it, each with whether it carries an `example` or `examples`. */
  readonly examples: Readonly<Record<string, boolean>>;
}

/** Every operation of the spec with the statuses it declares. */
export function declaredOperations(): ReadonlyMap<string, readonly DeclaredResponse[]> {
  const operations = new Map<string, DeclaredResponse[]>();
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem ?? {})) {
      const { operationId, responses } = (operation ?? {}) as OpenAPIV3_1.OperationObject;
      if (!operationId) continue;
      operations.set(
        operationId,
        Object.entries((responses ?? {}) as Record<string, OpenAPIV3_1.ResponseObject>).map(([status, response]) => ({
          status: Number(status),
          examples: Object.fromEntries(Object.entries(response.content ?? {}).map(([type, media]) => [type, media.example !== undefined || media.examples !== undefined])),
        })),
      );
    }
  }
  return operations;
}

/** The spec breaches of one typed-client result (openapi-fetch has already read the body into data or error). */
export function checkResult(operationId: string, result: { data?: unknown; error?: unknown; response: Response }): string[] {
  const body = result.data ?? result.error;
  return responseBreaches(operationId, result.response.status, result.response.headers.get('content-type') ?? undefined, body === '' ? undefined : body);
}
