import { types } from 'cassandra-driver';

/**
 * Amazon Keyspaces accepts a client-side timestamp (`USING TIMESTAMP`) only between 2 days in the past and
 * 5 minutes in the future of its wall clock, and refuses the statement otherwise; local Cassandra accepts any
 * value. https://docs.aws.amazon.com/keyspaces/latest/devguide/client-side-timestamps-how-to-queries.html
 * (checked 2026-12-06). The shared write path (keyspaces-retry.ts) refuses such a statement before sending it,
 * so a local run fails exactly where AWS would.
 */
export const KEYSPACES_WRITE_TIME_WINDOW = {
  pastMicros: 2n * 24n * 3_600n * 1_000_000n,
  futureMicros: 5n * 60n * 1_000_000n,
} as const;

/** A write time Keyspaces would refuse: outside [now − 2 days, now + 5 minutes]. */
export class WriteTimeOutsideKeyspacesWindowError extends Error {
  override readonly name = 'WriteTimeOutsideKeyspacesWindowError';
  constructor(
    readonly writeTimeMicros: bigint,
    readonly nowMicros: bigint,
    readonly query: string,
  ) {
    const offsetSeconds = Number(writeTimeMicros - nowMicros) / 1e6;
    super(
      `USING TIMESTAMP ${writeTimeMicros} is ${offsetSeconds.toFixed(0)} s from now; Amazon Keyspaces accepts only ` +
        `now − 2 days .. now + 5 minutes (${query.slice(0, 80)})`,
    );
  }
}

/** Now in µs (Cassandra's write-time unit), from a clock in ms. */
export function microsOf(epochMs: number): bigint {
  return BigInt(Math.trunc(epochMs)) * 1_000n;
}

/**
 * The write time of a change to a stored user: now, or 1 µs after every write time already stored for the user
 * when one is later (a clock behind the previous writer's), so the change always wins in Cassandra and stays
 * inside Keyspaces' window. The order of events is decided by the processor, not by this value.
 */
export function windowSafeWriteTime(nowMicros: bigint, stored: readonly (bigint | undefined)[]): bigint {
  let writeTime = nowMicros;
  for (const micros of stored) if (micros !== undefined && micros >= writeTime) writeTime = micros + 1n;
  return writeTime;
}

const USING_TIMESTAMP = /\bUSING\s+TIMESTAMP\s+(\?|-?\d+)/i;

function bigintOf(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (value instanceof types.Long) return BigInt(value.toString());
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

/**
 * The `USING TIMESTAMP` of a statement: a literal, or the bound parameter at its marker's position (the `?`
 * markers before it, counted). Undefined when the statement sets none (the server's or driver's time applies).
 */
export function usingTimestampOf(query: string, params: readonly unknown[]): bigint | undefined {
  const match = USING_TIMESTAMP.exec(query);
  if (!match) return undefined;
  const literal = match[1] as string;
  if (literal !== '?') return BigInt(literal);
  const index = query.slice(0, match.index).split('?').length - 1;
  return bigintOf(params[index]);
}

/** Throws WriteTimeOutsideKeyspacesWindowError when the statement's USING TIMESTAMP is outside the window. */
export function assertKeyspacesWriteTime(query: string, params: readonly unknown[], nowMs: number): void {
  const writeTime = usingTimestampOf(query, params);
  if (writeTime === undefined) return;
  const now = microsOf(nowMs);
  const { pastMicros, futureMicros } = KEYSPACES_WRITE_TIME_WINDOW;
  if (writeTime < now - pastMicros || writeTime > now + futureMicros) {
    throw new WriteTimeOutsideKeyspacesWindowError(writeTime, now, query);
  }
}
