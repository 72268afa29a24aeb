import build from 'fast-json-stringify';
import type { OpenAPIV3_1 } from 'openapi-types';
import { OPERATION_METHODS } from './methods';

type Serialize = (body: unknown) => string;

/**
 * The answers serialised by code compiled from their schema in the spec (fast-json-stringify), in
 * place of JSON.stringify: the todo operations, whose presenters build their bodies key for key in
 * the schema's order, so the bytes are JSON.stringify's (tests/http/response-serializers.test.ts).
 * A page of 20 todos is the largest body a hot request sends.
 */
const COMPILED_OPERATIONS: ReadonlySet<string> = new Set(['listTodos', 'getTodo', 'createTodo', 'updateTodo']);

export interface ResponseSerializers {
  /** The compiled serializer of the operation's `application/json` answer with this status, if it has one. */
  of(operationId: string | undefined, status: number): Serialize | undefined;
}

/** Compiled at startup from the dereferenced spec: each success answer of the operations above. */
export function createResponseSerializers(
  dereferenced: OpenAPIV3_1.Document,
  operationIds: ReadonlySet<string> = COMPILED_OPERATIONS,
): ResponseSerializers {
  const byOperation = new Map<string, Map<number, Serialize>>();
  for (const pathItem of Object.values(dereferenced.paths ?? {})) {
    for (const method of OPERATION_METHODS) {
      const operation = pathItem?.[method] as OpenAPIV3_1.OperationObject | undefined;
      if (!operation?.operationId || !operationIds.has(operation.operationId)) continue;
      byOperation.set(operation.operationId, successSerializersOf(operation));
    }
  }
  return {
    of: (operationId, status) => (operationId === undefined ? undefined : byOperation.get(operationId)?.get(status)),
  };
}

function successSerializersOf(operation: OpenAPIV3_1.OperationObject): Map<number, Serialize> {
  const serializers = new Map<number, Serialize>();
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const schema = (response as OpenAPIV3_1.ResponseObject).content?.['application/json']?.schema;
    if (schema && /^2\d\d$/.test(status)) serializers.set(Number(status), build(schema as Parameters<typeof build>[0]));
  }
  return serializers;
}
