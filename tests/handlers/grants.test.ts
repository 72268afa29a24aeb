import { GRANT_TYPES, GRANTS, IMPLIED_GRANT } from '../../src/handlers/grants';
import { grantTypesOf } from '../../src/http/openapi/validation-errors';
import { loadSpec } from '../../src/spec';

type Schema = {
  $ref?: string;
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
};

const schemas = (loadSpec().document.components?.schemas ?? {}) as Record<string, Schema>;
const resolved = (schema: Schema): Schema =>
  schema.$ref === undefined ? schema : resolved(schemas[schema.$ref.replace('#/components/schemas/', '')] ?? {});
/** The token form's `oneOf`, each `$ref` replaced by its schema, as the validator sees it. */
const tokenRequest = { oneOf: (schemas.TokenRequest?.oneOf ?? []).map(resolved) };

describe('the grant registry (handlers/grants)', () => {
  it("has one grant per branch of the spec's TokenRequest, in the spec's order", () => {
    const { names } = grantTypesOf(tokenRequest);
    expect(names).toHaveLength(7);
    expect(Object.keys(GRANTS)).toEqual(names);
    expect(GRANT_TYPES).toEqual(names);
  });

  it("implies the grant whose branch leaves grant_type optional, as the validator's error mapping does", () => {
    expect(IMPLIED_GRANT).toBe('password');
    expect(grantTypesOf(tokenRequest).implied).toBe(IMPLIED_GRANT);
  });

  it("lists in grant_types_supported exactly the spec's enum of the metadata document", () => {
    const supported = schemas.AuthorizationServerMetadata?.properties?.grant_types_supported?.items?.enum;
    expect(supported).toEqual([...GRANT_TYPES]);
  });

  it('counts only the first step of a login (password or passkey) in tollgate_login_attempts_total', () => {
    const counted = GRANT_TYPES.filter((type) => GRANTS[type].metric === 'login_attempts');
    expect(counted).toEqual(['password', 'urn:tollgate:params:oauth:grant-type:passkey']);
  });
});
