import * as api from '@opentelemetry/api';
import { DURATION_BUCKETS_S } from '../src/telemetry/instruments.js';

/**
 * A correct `login.verify`'s store round trips, as factorkit records them: the attempt's commit (with
 * the user's read) and the success commit. The policy is read once per `policyCacheMs`, and the
 * bench's clock stands still, so a measured call never reads it.
 */
const ROUND_TRIPS = [
  { name: 'factorkit.store.commit', operation: 'commit' },
  { name: 'factorkit.store.commit', operation: 'commit' },
].map(({ name, operation }) => ({
  name,
  options: { attributes: Object.freeze({ 'factorkit.store.operation': operation }) },
  metric: Object.freeze({ 'factorkit.store.operation': operation, 'factorkit.outcome': 'ok' }),
}));
const CALL_OPTIONS = { attributes: Object.freeze({ 'factorkit.operation': 'login.verify' }) };
const SAMPLED = 1;

/**
 * The floor under factorkit's telemetry: what the SDK itself does for one correct `login.verify`,
 * asked directly, around a call made with telemetry off. The same spans (the call's, made active,
 * and one leaf per store round trip under a recording span), the same attributes, the same two
 * histogram records (a store round trip's each; a facade call has none), the same sampling decisions (no span inside a trace the host sampled out, no
 * context switch for the no-op tracer's span); counters cost the SDK nothing per call (they are
 * observed at collection). What factorkit adds on top of this is its own.
 */
export function sdkFloor() {
  const tracer = api.trace.getTracer('floor');
  const meter = api.metrics.getMeter('floor');
  const advice = { explicitBucketBoundaries: DURATION_BUCKETS_S };
  const storeDuration = meter.createHistogram('floor.store.duration', { unit: 's', advice });

  return async function around<T>(call: () => Promise<T>): Promise<T> {
    const startedMs = performance.now();
    const active = api.context.active();
    const parent = api.trace.getSpan(active)?.spanContext();
    const sampledOut = parent && (parent.traceFlags & SAMPLED) === 0 && api.trace.isSpanContextValid(parent);
    const span = sampledOut ? null : tracer.startSpan('factorkit.login.verify', CALL_OPTIONS, active);
    const context =
      span && (span.isRecording() || api.trace.isSpanContextValid(span.spanContext()))
        ? api.trace.setSpan(active, span)
        : null;
    const result = await (context ? api.context.with(context, call) : call());
    const recording = span?.isRecording() ?? false;
    for (const trip of ROUND_TRIPS) {
      const leaf = recording ? tracer.startSpan(trip.name, trip.options, context!) : null;
      storeDuration.record((performance.now() - startedMs) / 1000, trip.metric);
      if (leaf) {
        leaf.setAttribute('factorkit.store.operation', trip.metric['factorkit.store.operation']);
        leaf.setAttribute('factorkit.outcome', 'ok');
        leaf.end();
      }
    }
    if (recording) {
      span!.setAttribute('factorkit.outcome', 'success');
      span!.setAttribute('factorkit.method', 'totp');
      span!.end();
    }
    return result;
  };
}
