// The functions and the meta table are named `<table>_<suffix>` (suffixes of at most 7 bytes), so a
// table name of up to 56 bytes keeps every name within PostgreSQL's 63-byte identifiers.
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,55}(\.[A-Za-z_][A-Za-z0-9_]{0,55})?$/;

/** Whether `table` is a name the store accepts: an identifier, optionally schema-qualified. */
export function isTableName(table: string): boolean {
  return TABLE_NAME.test(table);
}

/** `schema.table` or `table`, each part an SQL identifier, quoted. */
export function quoteTable(table: string): string {
  return table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/** The quoted names of everything the schema of one records table creates, in the table's schema. */
export function schemaNames(table: string): {
  records: string;
  meta: string;
  commit: string;
  num: string;
  num2: string;
  str: string;
  str2: string;
} {
  const name = (suffix: string) => quoteTable(`${table}${suffix}`);
  return {
    records: name(''),
    meta: name('_meta'),
    commit: name('_commit'),
    num: name('_num'),
    num2: name('_num2'),
    str: name('_str'),
    str2: name('_str2'),
  };
}
