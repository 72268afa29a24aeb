import { dereferenceSync } from 'dereference-json-schema';
import type { OpenAPIV3_1 } from 'openapi-types';
import { loadSpec } from '../../src/spec';
import { OPERATION_METHODS } from '../../src/http/openapi/methods';

/** A JSON Schema as found in the dereferenced spec; only the keywords the fuzzer reads. */
export interface Schema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  minProperties?: number;
  oneOf?: Schema[];
  allOf?: Schema[];
}

export interface ParameterModel {
  readonly name: string;
  readonly in: 'path' | 'query' | 'cookie' | 'header';
  readonly required: boolean;
  readonly schema: Schema;
}

export interface BodyModel {
  readonly required: boolean;
  /** Media type → schema, exactly as the spec lists them. */
  readonly media: ReadonlyArray<{ readonly mediaType: string; readonly schema: Schema }>;
}

/** Everything the fuzzer needs to build requests for one operation, read from openapi.yaml. */
export interface OperationModel {
  readonly operationId: string;
  readonly method: string;
  /** The path template, e.g. `/todos/{id}`. */
  readonly path: string;
  readonly parameters: readonly ParameterModel[];
  readonly body: BodyModel | undefined;
  /** Scopes of the OAuth2 requirement; undefined for a public operation. */
  readonly scopes: readonly string[] | undefined;
}


export function dereferencedSpec(): OpenAPIV3_1.Document {
  return dereferenceSync(structuredClone(loadSpec().document)) as unknown as OpenAPIV3_1.Document;
}

/** One model per operation of the spec: nothing is listed by hand, so a new operation is fuzzed the day it is added. */
export function operationModels(document = dereferencedSpec()): OperationModel[] {
  const models: OperationModel[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!item) continue;
    for (const method of OPERATION_METHODS) {
      const operation = item[method];
      if (!operation?.operationId) continue;
      models.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        parameters: [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p) => toParameter(p as OpenAPIV3_1.ParameterObject)),
        body: toBody(operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined),
        scopes: scopesOf(operation.security ?? document.security),
      });
    }
  }
  return models;
}

function toParameter(parameter: OpenAPIV3_1.ParameterObject): ParameterModel {
  return {
    name: parameter.name,
    in: parameter.in as ParameterModel['in'],
    required: parameter.required === true,
    schema: (parameter.schema ?? {}) as Schema,
  };
}

function toBody(body: OpenAPIV3_1.RequestBodyObject | undefined): BodyModel | undefined {
  if (!body) return undefined;
  const media = Object.entries(body.content).map(([mediaType, content]) => ({ mediaType, schema: (content.schema ?? {}) as Schema }));
  return { required: body.required === true, media };
}

function scopesOf(security: OpenAPIV3_1.SecurityRequirementObject[] | undefined): string[] | undefined {
  if (!security || security.length === 0) return undefined;
  return Object.values(security[0] ?? {})[0] ?? [];
}
