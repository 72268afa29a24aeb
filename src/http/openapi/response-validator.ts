import Ajv, { type ValidateFunction } from 'ajv';
import type { OpenAPIV3_1 } from 'openapi-types';
import { withFormats } from './ajv';
import { OPERATION_METHODS } from './methods';

type Operation = OpenAPIV3_1.OperationObject;
type Response = OpenAPIV3_1.ResponseObject;

export interface ResponseValidator {
  /** Every way the response breaks the contract; empty when it conforms. */
  check(operationId: string, status: number, contentType: string | undefined, body: unknown): string[];
}


/**
 * openapi-backend validates only `application/json` responses and ignores undocumented statuses,
 * so responses are checked here, against the dereferenced spec: status, media type and body.
 */
export function createResponseValidator(dereferenced: OpenAPIV3_1.Document): ResponseValidator {
  // validateSchema off: checking our schemas against the meta-schema is lint:spec's job, not every startup's.
  const ajv = withFormats(new Ajv({ strict: false, allErrors: true, validateSchema: false }));
  const responses = new Map<string, Record<string, Response>>();
  // Compiled on first use, per schema: most error responses are rarely sent, and compiling them
  // all at startup held about 6 MB of RSS for the process's life.
  const validators = new WeakMap<object, ValidateFunction>();
  const validatorFor = (schema: object): ValidateFunction => {
    let validate = validators.get(schema);
    if (!validate) {
      validate = ajv.compile(schema);
      validators.set(schema, validate);
    }
    return validate;
  };

  for (const pathItem of Object.values(dereferenced.paths ?? {})) {
    for (const method of OPERATION_METHODS) {
      const operation = pathItem?.[method] as Operation | undefined;
      if (!operation?.operationId) continue;
      responses.set(operation.operationId, (operation.responses ?? {}) as Record<string, Response>);
    }
  }

  return {
    check(operationId, status, contentType, body) {
      const byStatus = responses.get(operationId);
      if (!byStatus) return [`unknown operation ${operationId}`];
      const documented = byStatus[String(status)] ? String(status) : byStatus.default ? 'default' : undefined;
      if (!documented) return [`${operationId}: status ${status} is not documented`];
      const mediaTypes = Object.keys(byStatus[documented]?.content ?? {});
      const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
      if (mediaTypes.length === 0) {
        return body === undefined || body === null || body === '' ? [] : [`${operationId} ${status}: documented without a body, but one was sent`];
      }
      const schema = mediaType ? byStatus[documented]?.content?.[mediaType]?.schema : undefined;
      const validate = schema ? validatorFor(schema) : undefined;
      if (!validate) return [`${operationId} ${status}: content type ${mediaType ?? '(none)'} is not one of ${mediaTypes.join(', ')}`];
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${operationId} ${status}: body${e.instancePath} ${e.message ?? 'is invalid'}`);
    },
  };
}
