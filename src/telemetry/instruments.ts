/**
 * Every metric factorkit records, named in the OpenTelemetry semantic-conventions style
 * (`factorkit.` namespace, dots between components, UCUM units, durations in seconds). Attributes
 * are bounded: each takes a handful of fixed values, never a user id, a code or an address.
 * docs/operations.md has the same table (a test compares them).
 */
export const instruments = {
  'factorkit.verifications': {
    kind: 'counter',
    unit: '{verification}',
    description: 'Proofs checked at login or step-up, by method and outcome',
    attributes: ['factorkit.method', 'factorkit.outcome', 'factorkit.purpose'],
  },
  'factorkit.locks': {
    kind: 'counter',
    unit: '{lock}',
    description: 'Locks armed by failed proofs: on one challenge, or on the account',
    attributes: ['factorkit.lock.scope', 'factorkit.purpose'],
  },
  'factorkit.code.sends': {
    kind: 'counter',
    unit: '{code}',
    description:
      'One-time codes sent by a code channel (email, text message, voice), refused (cooldown, hourly cap) or failed (the mailer or sender threw)',
    attributes: ['factorkit.method', 'factorkit.outcome', 'factorkit.purpose'],
  },
  'factorkit.admin.codes': {
    kind: 'counter',
    unit: '{code}',
    description: 'One-time codes issued by an admin',
    attributes: [],
  },
  'factorkit.admin.resets': {
    kind: 'counter',
    unit: '{reset}',
    description: "Users' 2FA reset by an admin",
    attributes: [],
  },
  'factorkit.enrolments': {
    kind: 'counter',
    unit: '{enrolment}',
    description: 'Methods turned on (a security key registered counts once per key)',
    attributes: ['factorkit.method'],
  },
  'factorkit.disablements': {
    kind: 'counter',
    unit: '{disablement}',
    description: 'Methods turned off',
    attributes: ['factorkit.method'],
  },
  'factorkit.step_ups': {
    kind: 'counter',
    unit: '{step_up}',
    description: 'Step-up challenges started, and proven',
    attributes: ['factorkit.outcome'],
  },
  'factorkit.notices': {
    kind: 'counter',
    unit: '{notice}',
    description: 'Security notices to users: sent, failed, over the rate limit, or without an address',
    attributes: ['factorkit.notice.kind', 'factorkit.outcome'],
  },
  'factorkit.mail.sends': {
    kind: 'counter',
    unit: '{message}',
    description: 'Messages handed to the mailer, by purpose (codes, notices) and outcome',
    attributes: ['factorkit.mail.purpose', 'factorkit.outcome'],
  },
  'factorkit.store.duration': {
    kind: 'histogram',
    unit: 's',
    description: 'Store round trips, by operation and outcome; its count is the number of calls',
    attributes: ['factorkit.store.operation', 'factorkit.outcome'],
  },
  'factorkit.store.outages': {
    kind: 'counter',
    unit: '{call}',
    description: 'Store calls that failed with STORE_UNAVAILABLE (the call failed closed)',
    attributes: ['factorkit.store.operation'],
  },
} as const satisfies Record<string, InstrumentDefinition>;

/** One metric: a counter or a histogram, its unit, and the attributes it may carry. */
export interface InstrumentDefinition {
  kind: 'counter' | 'histogram';
  unit: string;
  description: string;
  attributes: readonly string[];
}

export type InstrumentName = keyof typeof instruments;
type Defined = typeof instruments;
/** The counters (counted in factorkit, read by the SDK at collection time). */
export type CounterName = {
  [K in InstrumentName]: Defined[K]['kind'] extends 'counter' ? K : never;
}[InstrumentName];
/** The histograms (recorded as each value comes). */
export type HistogramName = Exclude<InstrumentName, CounterName>;

/** Histogram buckets in seconds: 100 µs (an in-memory verify) to 5 s (a store at its timeout). */
export const DURATION_BUCKETS_S = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
