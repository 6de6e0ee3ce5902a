import { type Client, errors, policies, types } from 'cassandra-driver';
import { assertKeyspacesWriteTime } from './keyspaces-write-time.js';

/**
 * Retries for Amazon Keyspaces capacity errors. Keyspaces reports a request beyond a table's or partition's
 * capacity as a WriteTimeout / ReadTimeout or as a ServerError ("Throughput exceeds the current capacity"),
 * see https://docs.aws.amazon.com/keyspaces/latest/devguide/troubleshooting.general.html (checked 2026-11-27).
 *
 * Two layers, because cassandra-driver consults its retry policy for timeouts, Unavailable, Overloaded and
 * client-side errors but never for ServerError, and a policy cannot wait:
 * 1. {@link KeyspacesRetryPolicy}: immediate retries of idempotent statements (timeouts on the same host,
 *    since every Keyspaces host fronts the same table; connection problems on the next host);
 * 2. {@link executeIdempotentWrites}: after the driver gives up, the statements that failed with a capacity
 *    error (timeouts, ServerError, Overloaded) are sent again after an exponential backoff with full jitter.
 * Non-idempotent statements are never retried by either layer.
 */
export interface KeyspacesRetrySettings {
  /** Immediate retries the driver policy makes per statement. */
  readonly driverRetries: number;
  /** Backoff rounds after the driver gave up. */
  readonly backoffRetries: number;
  /** First backoff ceiling, ms; doubles every round. */
  readonly baseDelayMs: number;
  /** Largest backoff ceiling, ms. */
  readonly maxDelayMs: number;
}

export const DEFAULT_KEYSPACES_RETRY: KeyspacesRetrySettings = {
  driverRetries: 2,
  backoffRetries: 3,
  baseDelayMs: 50,
  maxDelayMs: 1_000,
};

type Decision = policies.retry.DecisionInfo;
type Info = policies.retry.OperationInfo;

/** Driver retry policy: immediate retries of idempotent statements on capacity and connection errors. */
export class KeyspacesRetryPolicy extends policies.retry.RetryPolicy {
  constructor(private readonly maxRetries: number = DEFAULT_KEYSPACES_RETRY.driverRetries) {
    super();
  }

  override onWriteTimeout(
    info: Info,
    _consistency: types.consistencies,
    _received: number,
    _blockFor: number,
    _writeType: string,
  ): Decision {
    return this.decide(info, true);
  }

  override onReadTimeout(
    info: Info,
    _consistency: types.consistencies,
    _received: number,
    _blockFor: number,
    _isDataPresent: boolean,
  ): Decision {
    return this.decide(info, true);
  }

  override onUnavailable(
    info: Info,
    _consistency: types.consistencies,
    _required: number,
    _alive: boolean,
  ): Decision {
    return this.decide(info, false);
  }

  override onRequestError(info: Info, _consistency: types.consistencies, _err: Error): Decision {
    return this.decide(info, false);
  }

  /**
   * The retry keeps the statement's own consistency (`undefined`): for a conditional write (`IF NOT EXISTS`,
   * the day-table backfill) the consistency a write timeout reports is the serial one, which Cassandra refuses
   * as a commit consistency ("SERIAL is not supported as conditional update commit consistency").
   */
  private decide(info: Info, useCurrentHost: boolean): Decision {
    if (info.nbRetry >= this.maxRetries || !info.executionOptions.isIdempotent()) return this.rethrowResult();
    // The driver documents `consistency` as optional ("when specified"); its typings require it.
    return this.retryResult(undefined as unknown as types.consistencies, useCurrentHost);
  }
}

/** Whether an error is a capacity error worth sending again later (for an idempotent statement). */
export function isKeyspacesCapacityError(error: unknown): boolean {
  if (error instanceof errors.OperationTimedOutError) return true;
  if (!(error instanceof errors.ResponseError)) return false;
  const codes = types.responseErrorCodes;
  return [codes.serverError, codes.overloaded, codes.writeTimeout, codes.readTimeout].includes(error.code);
}

/** Backoff before round `round` (0-based): uniform in [0, min(maxDelayMs, baseDelayMs × 2^round)]. */
export function backoffDelayMs(
  round: number,
  settings: KeyspacesRetrySettings,
  random: () => number,
): number {
  return random() * Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** round);
}

/** A statement that failed in a round, by its index in that round. */
export interface FailedStatement {
  readonly index: number;
  readonly error: unknown;
}

/**
 * What to do with one round's failures: the indexes to send again, or the error to throw when one failure is
 * not a capacity error.
 */
export function planRetry(failures: readonly FailedStatement[]): { retry: number[]; fatal?: Error } {
  const retry: number[] = [];
  for (const { index, error } of [...failures].sort((a, b) => a.index - b.index)) {
    if (!isKeyspacesCapacityError(error)) {
      return { retry, fatal: error instanceof Error ? error : new Error(String(error)) };
    }
    retry.push(index);
  }
  return { retry };
}

export interface IdempotentWriteOptions {
  readonly concurrencyLevel: number;
  readonly retry?: KeyspacesRetrySettings;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** The clock the write-time window is checked against, ms. @default Date.now */
  readonly now?: () => number;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Statement = { readonly query: string; readonly params: unknown[] };

/** Prepared, like the driver's executeConcurrent; idempotence comes from the client's default options. */
const EXECUTE_OPTIONS = { prepare: true } as const;

/**
 * Every statement sent with at most `concurrencyLevel` in flight; resolves with the failures. Unlike the
 * driver's executeConcurrent with collectResults, no result set is kept until the round ends: a batch of
 * thousands of statements would otherwise keep thousands of them alive into the old generation.
 */
async function sendConcurrently(
  client: Client,
  statements: readonly Statement[],
  concurrencyLevel: number,
): Promise<FailedStatement[]> {
  const failures: FailedStatement[] = [];
  let next = 0;
  const lane = async () => {
    while (next < statements.length) {
      const index = next++;
      const { query, params } = statements[index] as Statement;
      try {
        await client.execute(query, params, EXECUTE_OPTIONS);
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  const lanes = Math.max(1, Math.min(concurrencyLevel, statements.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return failures;
}

/**
 * Sends idempotent statements concurrently; statements that fail with a capacity error are sent again after
 * a backoff, up to `backoffRetries` rounds. Throws the first other error, or the last capacity error. Before
 * anything is sent, a statement whose `USING TIMESTAMP` Keyspaces would refuse fails the call with
 * WriteTimeOutsideKeyspacesWindowError (keyspaces-write-time.ts), locally as on AWS.
 */
export async function executeIdempotentWrites(
  client: Client,
  queries: readonly Statement[],
  options: IdempotentWriteOptions,
): Promise<void> {
  const nowMs = (options.now ?? Date.now)();
  for (const { query, params } of queries) assertKeyspacesWriteTime(query, params, nowMs);
  const settings = options.retry ?? DEFAULT_KEYSPACES_RETRY;
  let pending = queries;
  for (let round = 0; ; round++) {
    const failures = await sendConcurrently(client, pending, options.concurrencyLevel);
    if (failures.length === 0) return;
    const plan = planRetry(failures);
    if (plan.fatal) throw plan.fatal;
    // Out of rounds: the capacity error of the first statement still failing.
    if (round >= settings.backoffRetries) throw failures.find((f) => f.index === plan.retry[0])?.error;
    pending = plan.retry.map((index) => pending[index] as Statement);
    await (options.sleep ?? wait)(backoffDelayMs(round, settings, options.random ?? Math.random));
  }
}
