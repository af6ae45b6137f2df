import type { Pool, PoolClient } from 'pg';
import { FactorkitError } from '../../core/errors.js';
import { boundedCall } from '../bounded-call.js';
import { classifyPostgresFailure, sqlState } from './postgres-failures.js';
import { readSchemaState, schemaRefusal } from './postgres-version.js';

/**
 * Runs a store's calls on pooled connections: each within a deadline, its failures classified
 * (`STORE_UNAVAILABLE`, `CONFIG`, `BUG`), after a check of the schema version made once per store.
 */
export class PostgresCalls {
  private schemaChecked: Promise<void> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly table: string,
    private readonly timeoutMs: number,
  ) {}

  /** Takes the schema as checked (createSchema just made it current). */
  schemaIsCurrent(): void {
    this.schemaChecked = Promise.resolve();
  }

  /**
   * Runs `run` on a pooled connection within the deadline, after the schema check (unless
   * `checkSchema` is false); a dropped connection is destroyed, not reused.
   */
  run<T>(
    what: string,
    run: (client: PoolClient) => Promise<T>,
    options: { timeoutMs?: number; checkSchema?: boolean } = {},
  ): Promise<T> {
    return boundedCall(
      'postgres',
      what,
      options.timeoutMs ?? this.timeoutMs,
      async () => {
        const client = await this.pool.connect();
        let broken: Error | undefined;
        // A checked-out client reports a dropped connection as an 'error' event: take it as a failure.
        const onError = (error: Error) => {
          broken = error;
        };
        client.on('error', onError);
        try {
          if (options.checkSchema !== false) await this.checkSchema(client);
          return await run(client);
        } catch (error) {
          broken ??= error as Error;
          throw error;
        } finally {
          client.off('error', onError);
          // Keep the connection when the server answered with an SQL error, or the store refused.
          const answered = broken && (sqlState(broken) !== null || broken instanceof FactorkitError);
          client.release(broken && !answered ? broken : undefined);
        }
      },
      classifyPostgresFailure,
    );
  }

  /** Checks the schema version once: calls at the same time share the check, and a failed check runs again. */
  private checkSchema(client: PoolClient): Promise<void> {
    this.schemaChecked ??= (async () => {
      const refusal = schemaRefusal(this.table, await readSchemaState(client, this.table));
      if (refusal) throw refusal;
    })().catch((error: unknown) => {
      this.schemaChecked = null;
      throw error;
    });
    return this.schemaChecked;
  }
}
