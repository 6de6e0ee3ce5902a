import { type ClientOptions, errors, policies, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { insertStatement } from '../../../../../lambdas/processor/sinks/cassandra/cassandra-sink.js';
import {
  createCassandraClient,
  readCassandraConnectionConfig,
} from '../../../../../lambdas/shared/clients/cassandra.js';
import {
  backoffDelayMs,
  DEFAULT_KEYSPACES_RETRY,
  executeIdempotentWrites,
  isKeyspacesCapacityError,
  KeyspacesRetryPolicy,
  planRetry,
} from '../../../../../lambdas/shared/clients/keyspaces-retry.js';
import { CASSANDRA_TABLES } from '../../../../../lambdas/shared/schema/cassandra/index.js';

// The driver's decision codes (RetryPolicy.retryDecision at runtime; its typings do not declare them).
const { retry, rethrow } = (
  policies.retry.RetryPolicy as unknown as { retryDecision: Record<string, number> }
).retryDecision as { retry: number; rethrow: number };
const QUORUM = types.consistencies.localQuorum;
const codes = types.responseErrorCodes;

function info(nbRetry: number, idempotent: boolean): policies.retry.OperationInfo {
  return { query: 'INSERT', nbRetry, executionOptions: { isIdempotent: () => idempotent } } as never;
}

describe('KeyspacesRetryPolicy', () => {
  const policy = new KeyspacesRetryPolicy(2);

  it('retries an idempotent write or read timeout (a capacity error) on the same host, at its own consistency', () => {
    for (const decision of [
      policy.onWriteTimeout(info(0, true), QUORUM, 0, 2, 'SIMPLE'),
      policy.onReadTimeout(info(1, true), QUORUM, 0, 2, false),
    ]) {
      // `undefined`: the driver keeps the statement's own consistency.
      expect(decision).toEqual({ decision: retry, consistency: undefined, useCurrentHost: true });
    }
  });

  it('retries a conditional write (IF NOT EXISTS) at its own consistency, never at the serial one it reports', () => {
    const decision = policy.onWriteTimeout(info(0, true), types.consistencies.serial, 0, 1, 'CAS');
    expect(decision).toEqual({ decision: retry, consistency: undefined, useCurrentHost: true });
  });

  it('retries connection errors and Unavailable on the next host', () => {
    expect(policy.onRequestError(info(0, true), QUORUM, new Error('socket'))).toMatchObject({
      decision: retry,
      useCurrentHost: false,
    });
    expect(policy.onUnavailable(info(0, true), QUORUM, 2, false)).toMatchObject({
      decision: retry,
      useCurrentHost: false,
    });
  });

  it('never retries a non-idempotent statement', () => {
    expect(policy.onWriteTimeout(info(0, false), QUORUM, 0, 2, 'SIMPLE').decision).toBe(rethrow);
    expect(policy.onReadTimeout(info(0, false), QUORUM, 0, 2, false).decision).toBe(rethrow);
    expect(policy.onRequestError(info(0, false), QUORUM, new Error('x')).decision).toBe(rethrow);
    expect(policy.onUnavailable(info(0, false), QUORUM, 2, false).decision).toBe(rethrow);
  });

  it('gives up after its retries', () => {
    expect(policy.onWriteTimeout(info(1, true), QUORUM, 0, 2, 'SIMPLE').decision).toBe(retry);
    expect(policy.onWriteTimeout(info(2, true), QUORUM, 0, 2, 'SIMPLE').decision).toBe(rethrow);
    expect(
      new KeyspacesRetryPolicy().onRequestError(
        info(DEFAULT_KEYSPACES_RETRY.driverRetries, true),
        QUORUM,
        new Error('x'),
      ).decision,
    ).toBe(rethrow);
  });
});

describe('capacity errors, backoff and the retry plan', () => {
  it('treats ServerError, Overloaded, write/read timeouts and client timeouts as capacity errors', () => {
    for (const code of [codes.serverError, codes.overloaded, codes.writeTimeout, codes.readTimeout])
      expect(isKeyspacesCapacityError(new errors.ResponseError(code, 'x')), String(code)).toBe(true);
    expect(isKeyspacesCapacityError(new errors.OperationTimedOutError('slow', '10.0.0.1:9142'))).toBe(true);
    for (const code of [codes.invalid, codes.syntaxError, codes.unauthorized])
      expect(isKeyspacesCapacityError(new errors.ResponseError(code, 'x')), String(code)).toBe(false);
    expect(isKeyspacesCapacityError(new Error('boom'))).toBe(false);
  });

  it('backs off exponentially with full jitter, up to the ceiling', () => {
    const top = () => 1;
    expect([0, 1, 2, 3, 4, 5].map((round) => backoffDelayMs(round, DEFAULT_KEYSPACES_RETRY, top))).toEqual([
      50, 100, 200, 400, 800, 1000,
    ]);
    expect(backoffDelayMs(3, DEFAULT_KEYSPACES_RETRY, () => 0.25)).toBe(100);
  });

  it('sends again only the statements that failed with a capacity error', () => {
    const capacity = new errors.ResponseError(codes.serverError, 'Throughput exceeds the current capacity');
    const writeTimeout = new errors.ResponseError(codes.writeTimeout, 't');
    // Failures arrive in completion order; the plan lists them in statement order.
    expect(
      planRetry([
        { index: 3, error: writeTimeout },
        { index: 1, error: capacity },
      ]),
    ).toEqual({ retry: [1, 3] });
    const invalid = new errors.ResponseError(codes.invalid, 'bad value');
    expect(
      planRetry([
        { index: 0, error: capacity },
        { index: 1, error: invalid },
      ]).fatal,
    ).toBe(invalid);
  });
});

/**
 * A stand-in for the driver's Client.execute only (the real client is exercised in
 * test/integration/lambdas/shared/clients/keyspaces-retry.test.ts): each statement answers from its script, one answer per send.
 */
function scriptedClient(scripts: Record<string, readonly ('ok' | Error)[]>) {
  const sent: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const client = {
    async execute(query: string) {
      sent.push(query);
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      const answer = (scripts[query] ?? ['ok'])[sent.filter((q) => q === query).length - 1] ?? 'ok';
      if (answer instanceof Error) throw answer;
      return {};
    },
  };
  return { client: client as never, sent, mostInFlight: () => mostInFlight };
}

describe('executeIdempotentWrites', () => {
  const capacity = () =>
    new errors.ResponseError(codes.serverError, 'Throughput exceeds the current capacity');
  const statements = (n: number) => Array.from({ length: n }, (_, i) => ({ query: `q${i}`, params: [] }));

  it('keeps at most the concurrency level in flight and sends again only what hit a capacity error', async () => {
    const { client, sent, mostInFlight } = scriptedClient({ q2: [capacity()], q5: [capacity(), capacity()] });
    const sleeps: number[] = [];
    await executeIdempotentWrites(client, statements(8), {
      concurrencyLevel: 3,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 1,
    });
    expect(mostInFlight()).toBe(3);
    expect(sent.filter((q) => q === 'q2')).toHaveLength(2);
    expect(sent.filter((q) => q === 'q5')).toHaveLength(3);
    expect(sent).toHaveLength(8 + 3);
    expect(sleeps).toEqual([50, 100]);
  });

  it('throws a capacity error still failing after the last round, and any other error at once', async () => {
    const always = scriptedClient({ q1: [capacity(), capacity(), capacity(), capacity(), capacity()] });
    await expect(
      executeIdempotentWrites(always.client, statements(3), {
        concurrencyLevel: 2,
        retry: { ...DEFAULT_KEYSPACES_RETRY, backoffRetries: 2 },
        sleep: async () => {},
      }),
    ).rejects.toThrow('Throughput exceeds');
    expect(always.sent.filter((q) => q === 'q1')).toHaveLength(3);

    const invalid = new errors.ResponseError(codes.invalid, 'unconfigured table');
    const fatal = scriptedClient({ q0: [capacity()], q1: [invalid] });
    await expect(
      executeIdempotentWrites(fatal.client, statements(3), { concurrencyLevel: 3, sleep: async () => {} }),
    ).rejects.toBe(invalid);
    expect(fatal.sent).toHaveLength(3);
  });
});

describe('Keyspaces client options', () => {
  it('marks the statements idempotent, opens the configured connections per host and uses the policy', async () => {
    const config = readCassandraConnectionConfig({ CASSANDRA_CONNECTIONS_PER_HOST: '3' });
    expect(config.connectionsPerHost).toBe(3);
    // The options the client runs with (public at runtime, absent from the driver's typings); no connection yet.
    const { options } = (await createCassandraClient(config)) as unknown as { options: ClientOptions };
    expect(options.queryOptions?.isIdempotent).toBe(true);
    expect(options.pooling?.coreConnectionsPerHost?.[types.distance.local]).toBe(3);
    expect(options.policies?.retry).toBeInstanceOf(KeyspacesRetryPolicy);
    expect(readCassandraConnectionConfig({}).connectionsPerHost).toBe(1);
    expect(() => readCassandraConnectionConfig({ CASSANDRA_CONNECTIONS_PER_HOST: '0' })).toThrow(
      /CASSANDRA_CONNECTIONS_PER_HOST/,
    );
  });

  it('sends only idempotent writes: INSERTs at the processor write time, no LWT, counters or collection appends', () => {
    for (const table of CASSANDRA_TABLES) {
      const cql = insertStatement('pipeline', table);
      expect(cql).toMatch(/^INSERT INTO pipeline\.\w+ \([\w, ]+\) VALUES \([?, ]+\) USING TIMESTAMP \?$/);
      expect(cql).not.toMatch(/IF NOT EXISTS|\+|-/);
    }
  });
});
