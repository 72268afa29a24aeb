import { OpenAPIRouter, type Document } from 'openapi-backend';
import type { OpenAPIV3_1 } from 'openapi-types';
import { dereferenceSync } from 'dereference-json-schema';
import { createResponseValidator } from '../../src/http/response-validator';
import { loadSpec } from '../../src/spec';

// Built straight from openapi.yaml, independent of the server's own response check.
const document = dereferenceSync(structuredClone(loadSpec().document)) as unknown as OpenAPIV3_1.Document;
const router = new OpenAPIRouter({ definition: document as unknown as Document });
const validator = createResponseValidator(document);

export function operationIdOf(method: string, path: string): string | undefined {
  return router.matchOperation({ method, path, headers: {} })?.operationId;
}

export function responseBreaches(operationId: string, status: number, contentType: string | undefined, body: unknown): string[] {
  return validator.check(operationId, status, contentType, body);
}
