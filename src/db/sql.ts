import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * `column` starts with `prefix`, exactly and the same on SQLite and PostgreSQL. Not LIKE: SQLite's
 * LIKE ignores ASCII case and has no default escape character, PostgreSQL's does neither. For a
 * case-insensitive match, compare a lower-cased `*_normalized` column with a lower-cased prefix.
 */
export function startsWith(column: string, prefix: string): Expression<SqlBool> {
  const text = sql`cast(${prefix} as text)`;
  return sql<SqlBool>`substr(${sql.ref(column)}, 1, length(${text})) = ${text}`;
}
