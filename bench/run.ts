/**
 * `npm run bench`: TOTP against peers, login.verify on each store, SQLite's durability settings, and
 * the HTTP verify endpoint, key rotation, import, statusMany. `npm run bench -- totp|stores|sqlite|footprint|scale|guard|http|rekey|http-adapters|http-stores|pg-statements|redis-commands|telemetry|ui-size|import|cold-start|methods|status-many`
 * runs one part (`telemetry-parts`, `telemetry-instructions` and `verify-instructions` only when named). Every part is
 * bounded in count and time.
 */
import { benchTotp } from './totp.js';

const only = process.argv[2];
console.log(
  `# factorkit benchmarks (${new Date().toISOString()}, Node ${process.version}, ${process.arch})\n`,
);
if (!only || only === 'totp') benchTotp();
if (!only || only === 'stores') await (await import('./stores.js')).benchStores(process.argv.slice(3));
if (!only || only === 'sqlite') await (await import('./sqlite-durability.js')).benchSqliteDurability();
if (!only || only === 'footprint') await (await import('./footprint.js')).benchFootprint();
if (!only || only === 'scale') await (await import('./scale.js')).benchScale();
if (!only || only === 'guard') await (await import('./guard.js')).benchGuard();
if (!only || only === 'http') await (await import('./http.js')).benchHttp();
if (!only || only === 'rekey') await (await import('./rekey.js')).benchRekey();
if (!only || only === 'http-adapters') await (await import('./http-adapters.js')).benchHttpAdapters();
if (!only || only === 'http-stores') await (await import('./http-stores.js')).benchHttpStores();
if (!only || only === 'pg-statements') await (await import('./pg-statements.js')).benchPgStatements();
if (!only || only === 'redis-commands') await (await import('./redis-commands.js')).benchRedisCommands();
if (!only || only === 'cold-start') {
  const coldStart = await import('./cold-start.js');
  await coldStart.benchColdStart();
  coldStart.benchFirstVerifies();
}
if (!only || only === 'telemetry')
  await (await import('./telemetry.js')).benchTelemetry(process.argv.slice(3));
if (!only || only === 'ui-size') await (await import('./ui-size.js')).benchUiSize();
if (!only || only === 'import') await (await import('./import.js')).benchImport();
if (!only || only === 'methods') await (await import('./methods.js')).benchMethods();
if (!only || only === 'status-many') await (await import('./status-many.js')).benchStatusMany();
if (only === 'telemetry-parts') await (await import('./telemetry-parts.js')).benchTelemetryParts();
// Minutes under valgrind: only when asked for.
if (only === 'telemetry-instructions')
  await (await import('./telemetry-instructions.js')).benchTelemetryInstructions(process.argv.slice(3));
if (only === 'verify-instructions')
  await (await import('./verify-instructions.js')).benchVerifyInstructions(process.argv.slice(3));
