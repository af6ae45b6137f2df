-- The schema of factorkit 0.1 (git show c553041:sql/schema.sql), its table named __TABLE__: a fixture
-- for the migration tests of PostgresStore (test/stores/postgres-migration.test.ts).
CREATE TABLE IF NOT EXISTS "__TABLE__" (
  key text PRIMARY KEY,
  fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  expires_at bigint
);
CREATE INDEX IF NOT EXISTS "__TABLE___expires_at_idx" ON "__TABLE__" (expires_at) WHERE expires_at IS NOT NULL;
CREATE OR REPLACE FUNCTION "__TABLE___run"(kind text, p text[]) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  result jsonb;
  affected bigint;
BEGIN
  IF kind = 'put' THEN
    INSERT INTO "__TABLE__" AS r (key, fields, expires_at) VALUES (p[1], p[3]::jsonb, p[4]::bigint) ON CONFLICT (key) DO UPDATE SET fields = EXCLUDED.fields, expires_at = EXCLUDED.expires_at WHERE p[2]::bigint IS NOT NULL RETURNING NULL AS fields INTO result;
  ELSIF kind = 'insert' THEN
    INSERT INTO "__TABLE__" AS r (key, fields, expires_at) VALUES (p[1], p[3]::jsonb, p[4]::bigint) ON CONFLICT (key) DO UPDATE SET fields = EXCLUDED.fields, expires_at = EXCLUDED.expires_at WHERE NOT (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) RETURNING NULL AS fields INTO result;
  ELSIF kind = 'absent' THEN
    SELECT NULL::jsonb AS fields WHERE NOT EXISTS (SELECT 1 FROM "__TABLE__" AS r WHERE r.key = p[1] AND (r.expires_at IS NULL OR r.expires_at > p[2]::bigint)) INTO result;
  ELSIF kind = 'delete' THEN
    WITH d AS (DELETE FROM "__TABLE__" WHERE key = p[1] AND p[2]::bigint IS NOT NULL) SELECT NULL AS fields INTO result;
  ELSIF kind = 'take' THEN
    DELETE FROM "__TABLE__" AS r WHERE key = p[1] AND (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) AND r.fields @> p[3]::jsonb RETURNING r.fields INTO result;
  ELSIF kind = 'takeField' THEN
    WITH old AS (SELECT key, fields->>p[3] AS value FROM "__TABLE__" AS r WHERE key = p[1] AND (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) AND r.fields ? p[3] FOR UPDATE) UPDATE "__TABLE__" AS r SET fields = r.fields - p[3] FROM old WHERE r.key = old.key RETURNING jsonb_build_object(p[3]::text, old.value) AS fields INTO result;
  ELSIF kind = 'merge' THEN
    UPDATE "__TABLE__" AS r SET fields = r.fields || p[3]::jsonb, expires_at = CASE WHEN p[6]::int = 0 THEN r.expires_at WHEN p[6]::int = 1 OR r.expires_at IS NULL THEN NULL ELSE GREATEST(r.expires_at, p[7]::bigint) END WHERE key = p[1] AND (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) AND r.fields @> p[4]::jsonb AND NOT (r.fields ?| p[5]::text[]) RETURNING r.fields INTO result;
  ELSIF kind = 'merge-create' THEN
    INSERT INTO "__TABLE__" AS r (key, fields, expires_at) VALUES (p[1], p[3]::jsonb, CASE WHEN p[6]::int = 2 THEN p[7]::bigint ELSE NULL END) ON CONFLICT (key) DO UPDATE SET fields = CASE WHEN (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) THEN r.fields || EXCLUDED.fields ELSE EXCLUDED.fields END, expires_at = CASE WHEN (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) THEN CASE WHEN p[6]::int = 0 THEN r.expires_at WHEN p[6]::int = 1 OR r.expires_at IS NULL THEN NULL ELSE GREATEST(r.expires_at, p[7]::bigint) END ELSE EXCLUDED.expires_at END WHERE NOT (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) OR (r.fields @> p[4]::jsonb AND NOT (r.fields ?| p[5]::text[])) RETURNING r.fields INTO result;
  ELSIF kind = 'advance' THEN
    INSERT INTO "__TABLE__" AS r (key, fields, expires_at) VALUES (p[1], jsonb_build_object(p[3]::text, p[4]::text), p[6]::bigint) ON CONFLICT (key) DO UPDATE SET fields = CASE WHEN (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) THEN r.fields || EXCLUDED.fields ELSE EXCLUDED.fields END, expires_at = CASE WHEN (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) THEN CASE WHEN p[5]::int = 0 THEN r.expires_at WHEN p[5]::int = 1 OR r.expires_at IS NULL THEN NULL ELSE GREATEST(r.expires_at, p[6]::bigint) END ELSE EXCLUDED.expires_at END WHERE NOT (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) OR NOT (r.fields ? p[3]) OR (r.fields->>p[3])::numeric < p[4]::numeric RETURNING r.fields INTO result;
  ELSIF kind = 'attempt-existing' THEN
    UPDATE "__TABLE__" AS r SET fields = r.fields || jsonb_build_object('attempts', (COALESCE((r.fields->>'attempts')::bigint, 0) + 1)::text, 'lockedUntil', (CASE WHEN (CASE WHEN (COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) > 0 THEN p[2]::bigint + (CASE WHEN (COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) ELSE COALESCE((r.fields->>'lockedUntil')::bigint, 0) END)::text), expires_at = CASE WHEN r.expires_at IS NULL THEN NULL ELSE GREATEST(r.expires_at, CASE WHEN p[6]::boolean THEN p[2]::bigint + p[5]::bigint ELSE 0 END, CASE WHEN (CASE WHEN (COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) > 0 THEN p[2]::bigint + (CASE WHEN (COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) + p[7]::bigint ELSE 0 END) END WHERE key = p[1] AND (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) AND NOT (r.fields ? 'ended') AND (p[3]::bigint IS NULL OR COALESCE((r.fields->>'attempts')::bigint, 0) < p[3]::bigint) AND (NOT (r.fields ? 'deadline') OR p[2]::bigint < GREATEST((r.fields->>'deadline')::bigint, CASE WHEN COALESCE((r.fields->>'lockedUntil')::bigint, 0) > 0 THEN COALESCE((r.fields->>'lockedUntil')::bigint, 0) + p[7]::bigint ELSE 0 END)) AND p[2]::bigint >= COALESCE((r.fields->>'lockedUntil')::bigint, 0) RETURNING r.fields INTO result;
  ELSIF kind = 'attempt-create' THEN
    INSERT INTO "__TABLE__" AS r (key, fields, expires_at) VALUES (p[1], jsonb_build_object('attempts', '1', 'lockedUntil', (CASE WHEN (CASE WHEN (1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) > 0 THEN p[2]::bigint + (CASE WHEN (1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) ELSE 0 END)::text), GREATEST(p[2]::bigint + p[5]::bigint, CASE WHEN (CASE WHEN (1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) > 0 THEN p[2]::bigint + (CASE WHEN (1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) + p[7]::bigint ELSE 0 END)) ON CONFLICT (key) DO UPDATE SET fields = CASE WHEN (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) THEN r.fields || jsonb_build_object('attempts', (COALESCE((r.fields->>'attempts')::bigint, 0) + 1)::text, 'lockedUntil', (CASE WHEN (CASE WHEN (COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) > 0 THEN p[2]::bigint + (CASE WHEN (COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) ELSE COALESCE((r.fields->>'lockedUntil')::bigint, 0) END)::text) ELSE EXCLUDED.fields END, expires_at = CASE WHEN (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) THEN CASE WHEN r.expires_at IS NULL THEN NULL ELSE GREATEST(r.expires_at, CASE WHEN p[6]::boolean THEN p[2]::bigint + p[5]::bigint ELSE 0 END, CASE WHEN (CASE WHEN (COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) > 0 THEN p[2]::bigint + (CASE WHEN (COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint < 1 THEN 0 ELSE COALESCE((p[4]::bigint[])[LEAST((COALESCE((r.fields->>'attempts')::bigint, 0) + 1) - p[8]::bigint, cardinality(p[4]::bigint[]))], 0) END) + p[7]::bigint ELSE 0 END) END ELSE EXCLUDED.expires_at END WHERE NOT (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) OR (NOT (r.fields ? 'ended') AND (p[3]::bigint IS NULL OR COALESCE((r.fields->>'attempts')::bigint, 0) < p[3]::bigint) AND (NOT (r.fields ? 'deadline') OR p[2]::bigint < GREATEST((r.fields->>'deadline')::bigint, CASE WHEN COALESCE((r.fields->>'lockedUntil')::bigint, 0) > 0 THEN COALESCE((r.fields->>'lockedUntil')::bigint, 0) + p[7]::bigint ELSE 0 END)) AND p[2]::bigint >= COALESCE((r.fields->>'lockedUntil')::bigint, 0)) RETURNING r.fields INTO result;
  ELSIF kind = 'read' THEN
    SELECT COALESCE(jsonb_object_agg(r.key, jsonb_build_array(r.fields, r.expires_at)), '{}'::jsonb) AS fields FROM "__TABLE__" AS r WHERE r.key = ANY(p[1]::text[]) AND (r.expires_at IS NULL OR r.expires_at > p[2]::bigint) INTO result;
  ELSE
    RAISE EXCEPTION 'factorkit: unknown statement kind %', kind;
  END IF;
  GET DIAGNOSTICS affected = ROW_COUNT;
  IF affected = 0 THEN RAISE EXCEPTION USING ERRCODE = 'P0F01'; END IF;
  RETURN result;
END
$fn$;
CREATE OR REPLACE FUNCTION "__TABLE___commit"(batch jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  item jsonb;
  results jsonb := '[]'::jsonb;
  pos int := 0;
BEGIN
  FOR item IN SELECT value FROM jsonb_array_elements(batch) LOOP
    results := results || jsonb_build_array("__TABLE___run"(item->>'kind',
      ARRAY(SELECT v FROM jsonb_array_elements_text(item->'values') WITH ORDINALITY AS x(v, n) ORDER BY n)));
    pos := pos + 1;
  END LOOP;
  RETURN jsonb_build_object('ok', true, 'results', results);
EXCEPTION WHEN SQLSTATE 'P0F01' THEN
  RETURN jsonb_build_object('ok', false, 'position', pos);
END
$fn$;
