/**
 * THE order of one user's events, whatever their type: the newer event is the one with the later
 * `occurred_at` (to the microsecond, as PostgreSQL keeps it); at an equal `occurred_at`, the one with the greater
 * `event_id` (compared as a UUID, i.e. as lower-case text). Every store applies this one rule, whichever event
 * arrives first: the processor's batch collapse (process-batch.ts), the PostgreSQL upsert and erasure (whose SQL
 * compares the row value `(occurred_at, event_id)`, EVENT_ORDER_COLUMNS), the Cassandra sink's decision against
 * the stored order key (occurredAtMicros, cassandra-stored-state.ts), and so every replay, which goes through the
 * processor.
 */

/** What orders an event: its envelope's instant and id. */
export interface OrderedEvent {
  readonly occurred_at: string;
  readonly event_id: string;
}

/** The columns a store compares as a row value, `(occurred_at, event_id)`, in this order. */
export const EVENT_ORDER_COLUMNS = ['occurred_at', 'event_id'] as const;

const FRACTION = /\.(\d+)/;

/**
 * PostgreSQL's rounding of a fraction to microseconds: the digits parsed as a double, times 10^6, rounded half
 * to even (rint). JavaScript parses decimal text to the same double, so the result is the server's.
 */
function fractionMicros(digits: string): number {
  const scaled = Number(`0.${digits}`) * 1_000_000;
  const rounded = Math.round(scaled);
  return Math.abs(scaled % 1) === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/**
 * Microseconds of the instant beyond its millisecond (0..1000: rounding may carry into the next millisecond).
 * `Date.parse` keeps milliseconds and drops further digits; PostgreSQL rounds to the microsecond.
 */
export function subMillisecondMicros(iso: string): number {
  const fraction = FRACTION.exec(iso)?.[1];
  if (fraction === undefined || fraction.length <= 3) return 0;
  const milliseconds = Number(fraction.slice(0, 3));
  return fractionMicros(fraction) - milliseconds * 1_000;
}

/**
 * An ISO-8601 instant in microseconds since the epoch, as PostgreSQL stores a timestamptz. Exact for instants
 * within ±285 years of 1970 (2^53 µs); Cassandra's order key (`occurred_at_micros`) holds the same value, exact
 * as a bigint (eventMicros in cassandra-stored-state.ts).
 */
export function occurredAtMicros(iso: string): number {
  return Date.parse(iso) * 1_000 + subMillisecondMicros(iso);
}

/** Negative, zero or positive as `a` is older than, the same event as, or newer than `b`. */
export function compareEvents(a: OrderedEvent, b: OrderedEvent): number {
  if (a.occurred_at !== b.occurred_at) {
    const ams = Date.parse(a.occurred_at);
    const bms = Date.parse(b.occurred_at);
    if (ams !== bms) return ams < bms ? -1 : 1;
    const asub = subMillisecondMicros(a.occurred_at);
    const bsub = subMillisecondMicros(b.occurred_at);
    if (asub !== bsub) return asub < bsub ? -1 : 1;
  }
  const aid = a.event_id.toLowerCase();
  const bid = b.event_id.toLowerCase();
  return aid === bid ? 0 : aid < bid ? -1 : 1;
}

/** Whether `candidate` wins over `current` under the rule above. */
export function isNewerEvent(candidate: OrderedEvent, current: OrderedEvent): boolean {
  return compareEvents(candidate, current) > 0;
}
