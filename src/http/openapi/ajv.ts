import type Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * openapi-backend's ajv knows no `email`, `uri` or `date-time`: without this they pass unchecked.
 * `password` is a UI hint in OpenAPI, not a constraint.
 */
export function withFormats(ajv: Ajv): Ajv {
  addFormats(ajv, { mode: 'full', formats: ['email', 'date-time', 'uri', 'uri-reference'] });
  ajv.addFormat('password', true);
  return ajv;
}
