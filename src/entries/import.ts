// factorkit/import: bring users' enrolments from another system, or take them out (docs/migration.md).
export { exportUser } from '../import/export-user.js';
export { type ImportOptions, type ImportResult, importUser } from '../import/import-user.js';
export {
  type ImportedCodes,
  type ImportedEmail,
  type ImportedKey,
  type ImportedTotp,
  type ImportedUser,
  parseImportedUser,
} from '../import/imported-user.js';
