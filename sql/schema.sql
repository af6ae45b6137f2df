-- factorkit records table (PostgresStore). Same as PostgresStore#createSchema() with the default table name.
CREATE TABLE IF NOT EXISTS "factorkit_records" (
  key text PRIMARY KEY,
  fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  expires_at bigint
);
CREATE INDEX IF NOT EXISTS "factorkit_records_expires_at_idx" ON "factorkit_records" (expires_at) WHERE expires_at IS NOT NULL;
