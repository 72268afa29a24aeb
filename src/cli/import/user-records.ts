import Ajv, { type ValidateFunction } from 'ajv';
import { dereferenceSync, type JSONSchema } from 'dereference-json-schema';
import type { components } from '../../../generated/api';
import { withFormats } from '../../http/openapi/ajv';
import type { PasswordHashBounds } from '../../config';
import { exceedsHashBounds } from '../../security/passwords/hash-bounds';
import { hashSchemeOf } from '../../security/passwords/hash-schemes';
import { loadSpec } from '../../spec';

type Role = components['schemas']['Role'];

/** Where a row came from, as the summary names it: a line of a JSON Lines file, or a SQLite row id. */
export type RecordRef = { readonly line: number } | { readonly id: number | string };

/** One user as a source read it, not yet checked. */
export interface SourceRecord {
  readonly ref: RecordRef;
  readonly fields: Readonly<Record<string, unknown>> | undefined;
  /** Set when the source could not read the row at all (a line that is not a JSON object). */
  readonly unreadable?: string;
}

/** A row that passed every rule a single row can be checked against (conflicts are checked in batches). */
export interface ImportCandidate {
  readonly ref: RecordRef;
  readonly username: string;
  readonly email: string;
  readonly password_hash: string;
  readonly role: Role;
  readonly is_active: boolean;
  /** The source's word on the address (a JSON Lines `email_verified`); unverified when it says nothing. */
  readonly email_verified: boolean;
}

export type Checked = { readonly ok: ImportCandidate } | { readonly reason: string };

interface Validators {
  readonly username: ValidateFunction;
  readonly email: ValidateFunction;
  readonly role: ValidateFunction;
}

/** The spec's own Username, Email and Role schemas, so an import accepts exactly what POST /users does. */
export function specValidators(): Validators {
  const document = dereferenceSync(loadSpec().document as unknown as JSONSchema) as { components?: { schemas?: Record<string, object> } };
  const ajv = withFormats(new Ajv({ strict: false }));
  const compile = (name: string) => {
    const schema = document.components?.schemas?.[name];
    if (!schema) throw new Error(`openapi.yaml has no components.schemas.${name}`);
    return ajv.compile(schema);
  };
  return { username: compile('Username'), email: compile('Email'), role: compile('Role') };
}

/** SQLite stores SQLAlchemy's Boolean as 0/1; NULL is the model's default (True). */
function activeFlag(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return true;
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  return undefined;
}

/**
 * Checks one row against our rules; the reason names the first rule it breaks. `bounds` are the
 * dearest hashes a login will compute: a dearer one could never be used, so it is not imported.
 */
export function checkRecord(record: SourceRecord, validators: Validators, bounds: PasswordHashBounds): Checked {
  if (record.unreadable !== undefined || record.fields === undefined) return { reason: record.unreadable ?? 'not_an_object' };
  const { username, email, password_hash, is_active, role = 'user', email_verified } = record.fields;
  if (!validators.username.call(undefined, username)) return { reason: 'invalid_username' };
  if (!validators.email.call(undefined, email)) return { reason: 'invalid_email' };
  if (typeof password_hash !== 'string' || hashSchemeOf(password_hash) === undefined) return { reason: 'unknown_hash_scheme' };
  if (exceedsHashBounds(password_hash, bounds)) return { reason: 'hash_cost_too_high' };
  if (!validators.role.call(undefined, role)) return { reason: 'invalid_role' };
  if (email_verified !== undefined && typeof email_verified !== 'boolean') return { reason: 'invalid_email_verified' };
  const active = activeFlag(is_active);
  if (active === undefined) return { reason: 'invalid_is_active' };
  return { ok: { ref: record.ref, username: username as string, email: email as string, password_hash, role: role as Role, is_active: active, email_verified: email_verified === true } };
}
