import type { ValidateFunction } from 'ajv';
import type { OpenAPIBackend, Operation } from 'openapi-backend';
import type { OpenAPIV3_1 } from 'openapi-types';
import { validationFailed } from '../errors';
import { integerParametersOf, type IntegerParameter } from './canonical-integers';
import { formSchemaOf } from '../middleware/form-reader';
import { OAUTH_OPERATIONS } from './operation-types';
import { grantTypesOf, type GrantTypes } from './validation-errors';

type Parameter = OpenAPIV3_1.ParameterObject;
type Schema = { type?: unknown };

/**
 * Everything the dispatcher needs to know about one operation, worked out once from the
 * dereferenced spec at startup rather than on every request (openapi-backend's handleRequest read
 * the operation's parameters and security again, and compiled its path template, for each one).
 */
export interface Route {
  readonly operation: Operation;
  readonly operationId: string;
  /** The path parameters of a request to this operation's path template, as sent (strings); throws a 400 for undecodable ones. */
  readonly pathParameters: (requestPath: string) => Record<string, string>;
  /** openapi-backend's compiled request validators (body, then parameters), the ones its handleRequest called. */
  readonly validators: readonly ValidateFunction[];
  /** Whether the operation declares parameters or a body: otherwise only a query string gives its validator work. */
  readonly declaresInput: boolean;
  /** Query parameters whose schema is an array: a single value is validated as a list of one. */
  readonly arrayQueryParameters: ReadonlySet<string>;
  readonly declaresHeaders: boolean;
  readonly declaresCookies: boolean;
  /** The security requirements (alternatives) and the schemes they name, each once. */
  readonly securityRequirements: readonly OpenAPIV3_1.SecurityRequirementObject[];
  readonly securitySchemes: readonly string[];
  /** The media types its request body may be sent in (none without a body), and whether the body is required. */
  readonly mediaTypes: readonly string[];
  readonly bodyRequired: boolean;
  /** Integer path and query parameters: each must be spelled in plain decimal digits. */
  readonly integerParameters: readonly IntegerParameter[];
  /** RFC 6749 errors instead of problem details. */
  readonly oauth: boolean;
  readonly grantTypes: GrantTypes;
}

/** The routes of every operation, by operationId. */
export function compileRoutes(backend: OpenAPIBackend): ReadonlyMap<string, Route> {
  const routes = new Map<string, Route>();
  for (const operation of backend.getOperations()) {
    const operationId = operation.operationId;
    if (!operationId) continue;
    routes.set(operationId, compileRoute(operation, operationId, backend));
  }
  return routes;
}

function compileRoute(operation: Operation, operationId: string, backend: OpenAPIBackend): Route {
  const parameters = (operation.parameters ?? []) as Parameter[];
  for (const parameter of parameters) {
    // openapi-backend parses these specially (JSON in a query value, delimited lists); no operation
    // of ours has one, and the dispatcher does not: better to refuse to start than to validate differently.
    if (parameter.content || parameter.explode === false)
      throw new Error(
        `${operationId}: parameter ${parameter.name} has content or explode: false, which the dispatcher does not parse`,
      );
  }
  const body = operation.requestBody && 'content' in operation.requestBody ? operation.requestBody : undefined;
  const securityRequirements = (operation.security ?? []) as OpenAPIV3_1.SecurityRequirementObject[];
  return {
    operation,
    operationId,
    // Matched as openapi-backend's router matches it: `/users/me/` is `/users/me` (ignoreTrailingSlashes).
    pathParameters: pathParametersOf(operation.path, (path) => backend.router.normalizePath(path)),
    validators: (backend.validator.getRequestValidatorsForOperation(operationId) ?? []) as ValidateFunction[],
    declaresInput: operation.requestBody !== undefined || parameters.length > 0,
    arrayQueryParameters: new Set(
      parameters
        .filter((p) => p.in === 'query' && (p.schema as Schema | undefined)?.type === 'array')
        .map((p) => p.name),
    ),
    declaresHeaders: parameters.some((p) => p.in === 'header'),
    declaresCookies: parameters.some((p) => p.in === 'cookie'),
    securityRequirements,
    securitySchemes: [...new Set(securityRequirements.flatMap((requirement) => Object.keys(requirement)))],
    mediaTypes: Object.keys(body?.content ?? {}),
    bodyRequired: body?.required === true,
    integerParameters: integerParametersOf(parameters),
    oauth: OAUTH_OPERATIONS.has(operationId),
    grantTypes: grantTypesOf(formSchemaOf(operation)),
  };
}

const TEMPLATE_PARAMETER = /\{([A-Za-z0-9_-]+)\}/g;

/**
 * A path template's parameters, as openapi-backend's parser (bath) reads them: each `{name}` is
 * one segment (possibly empty), percent-decoded. Built once per template instead of per request.
 */
function pathParametersOf(
  template: string,
  normalize: (path: string) => string,
): (path: string) => Record<string, string> {
  const names = [...template.matchAll(TEMPLATE_PARAMETER)].map((match) => match[1] as string);
  if (names.length === 0) return () => ({});
  const pattern = new RegExp(`^${template.replace(TEMPLATE_PARAMETER, '([^\\/]*)')}$`);
  return (path) => {
    const match = pattern.exec(normalize(path));
    const parameters: Record<string, string> = {};
    if (match === null) return parameters;
    for (const [i, name] of names.entries()) {
      try {
        parameters[name] = decodeURIComponent(match[i + 1] as string);
      } catch {
        // `%`, `%zz` or bytes that are not UTF-8.
        throw validationFailed([{ location: 'path', message: 'is not valid percent-encoded UTF-8' }]);
      }
    }
    return parameters;
  };
}
