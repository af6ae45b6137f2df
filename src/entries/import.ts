// factorkit/import: bring users' enrolments from another system, or take them out (docs/migration.md).
export { exportUser, exportUsers } from '../import/export-user.js';
export { type ImportOptions, type ImportResult, importUser, type SkipReason } from '../import/import-user.js';
export { importPrepared, importUsers, type PreparedUser, prepareUsers } from '../import/import-users.js';
export {
  type ImportedCodes,
  type ImportedEmail,
  type ImportedKey,
  type ImportedPhone,
  type ImportedTotp,
  type ImportedUser,
  parseImportedUser,
} from '../import/imported-user.js';
// Readers: another system's data as users to import (each yields `{ position, user }` or a refusal).
export {
  type BetterAuthSecrets,
  betterAuthDecrypt,
  parseBetterAuthSecrets,
} from '../import/readers/better-auth-crypto.js';
export {
  type BetterAuthReadOptions,
  betterAuthTables,
  readBetterAuth,
} from '../import/readers/better-auth-reader.js';
export { readDjangoOtp } from '../import/readers/django-otp-reader.js';
export { readJsonl } from '../import/readers/jsonl-reader.js';
export { readOtpApps } from '../import/readers/otp-apps-reader.js';
export { linesOf, type SourceRecord } from '../import/readers/source-record.js';
export { postgresSource, type SqlSource, sqliteSource } from '../import/readers/sql-source.js';
