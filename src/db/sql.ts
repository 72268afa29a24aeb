import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * `column LIKE 'prefix%'` that means the same on SQLite and PostgreSQL: the prefix's own % and _
 * are escaped, and the ESCAPE clause is spelled out because SQLite has no default escape
 * character. Compare a lower-cased `*_normalized` column with a lower-cased prefix: LIKE is
 * case-insensitive for ASCII on SQLite and case-sensitive on PostgreSQL.
 */
export function startsWith(column: string, prefix: string): Expression<SqlBool> {
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
}
