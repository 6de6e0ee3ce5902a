import { describe, expect, it } from 'vitest';
import {
  PullDeadlineExceededError,
  UpstreamApiError,
  UpstreamNetworkError,
  UpstreamResponseError,
} from '../../../../lambdas/ingest-pull/errors.js';
import {
  RandomUserClient,
  type RandomUserClientOptions,
  type RetryNotice,
} from '../../../../lambdas/ingest-pull/randomuser-client.js';
import { fullJitterDelayMs, parseRetryAfterMs } from '../../../../lambdas/ingest-pull/retry.js';
import { withRandomUserServer } from '../../../support/randomuser.js';

const PAGE = { seed: 'unit', page: 1, results: 5 };

/**
 * A client whose sleeps advance a virtual clock instead of waiting, so backoff and deadlines are exercised
 * exactly and instantly. `random` is fixed at 0.5 (half the backoff ceiling).
 */
function virtualTimeClient(baseUrl: string, options: Partial<RandomUserClientOptions> = {}) {
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const client = new RandomUserClient({
    baseUrl,
    requestTimeoutMs: 2_000,
    maxAttempts: 5,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 1_000,
    random: () => 0.5,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    ...options,
  });
  return { client, sleeps, deadlineIn: (ms: number) => clock + ms };
}

describe('RandomUserClient.fetchPage', () => {
  it('fetches one page with results, seed and page in the query', async () => {
    await withRandomUserServer({}, async (server) => {
      const { client, deadlineIn } = virtualTimeClient(server.url);
      const results = await client.fetchPage(PAGE, { deadline: deadlineIn(60_000) });
      expect(results).toHaveLength(5);
      expect(server.requests).toEqual([
        {
          method: 'GET',
          url: '/api/?results=5&seed=unit&page=1',
          query: { results: '5', seed: 'unit', page: '1' },
          status: 200,
        },
      ]);
    });
  });

  it('retries 429 and 503 with exponential backoff and full jitter, honouring Retry-After', async () => {
    await withRandomUserServer(
      { failures: [{ status: 429, retryAfter: '0' }, { status: 503, retryAfter: '3' }, 502] },
      async (server) => {
        const { client, sleeps, deadlineIn } = virtualTimeClient(server.url);
        const notices: RetryNotice[] = [];
        const results = await client.fetchPage(PAGE, {
          deadline: deadlineIn(60_000),
          onRetry: (n) => notices.push(n),
        });

        expect(results).toHaveLength(5);
        expect(server.requests.map((r) => r.status)).toEqual([429, 503, 502, 200]);
        // random 0.5 × min(cap 1000, 100·2^(attempt-1)) = 50, 100, 200; Retry-After: 3 s wins over 100 ms.
        expect(sleeps).toEqual([50, 3_000, 200]);
        expect(notices.map((n) => [n.attempt, (n.error as UpstreamApiError).status])).toEqual([
          [1, 429],
          [2, 503],
          [3, 502],
        ]);
      },
    );
  });

  it('retries a dropped connection and a request that timed out', async () => {
    await withRandomUserServer({ failures: ['reset', 'hang'] }, async (server) => {
      const { client, deadlineIn } = virtualTimeClient(server.url, { requestTimeoutMs: 200 });
      const notices: RetryNotice[] = [];
      await expect(
        client.fetchPage(PAGE, { deadline: deadlineIn(60_000), onRetry: (n) => notices.push(n) }),
      ).resolves.toHaveLength(5);
      expect(notices.map((n) => n.error)).toEqual([
        expect.any(UpstreamNetworkError),
        expect.any(UpstreamNetworkError),
      ]);
      expect(notices[1]?.error.message).toMatch(/no complete response within 200 ms/);
    });
  });

  it('does not retry a 4xx other than 429', async () => {
    await withRandomUserServer({ failures: [400] }, async (server) => {
      const { client, deadlineIn } = virtualTimeClient(server.url);
      const error = await client.fetchPage(PAGE, { deadline: deadlineIn(60_000) }).catch((e) => e);
      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error.status).toBe(400);
      expect(server.requests).toHaveLength(1);
    });
  });

  it('gives up after maxAttempts with the last typed error', async () => {
    await withRandomUserServer({ failures: [503, 503, 503] }, async (server) => {
      const { client, deadlineIn } = virtualTimeClient(server.url, { maxAttempts: 3 });
      const error = await client.fetchPage(PAGE, { deadline: deadlineIn(600_000) }).catch((e) => e);
      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error.status).toBe(503);
      expect(server.requests).toHaveLength(3);
    });
  });

  it('stops with PullDeadlineExceededError when the next retry would pass the deadline', async () => {
    await withRandomUserServer({ failures: [503, 503, 503, 503] }, async (server) => {
      const { client, deadlineIn } = virtualTimeClient(server.url);
      // Retry-After: 1 s each; a 2.5 s deadline allows two retries, not a third.
      const error = await client.fetchPage(PAGE, { deadline: deadlineIn(2_500) }).catch((e) => e);
      expect(error).toBeInstanceOf(PullDeadlineExceededError);
      expect(error.message).toMatch(/would pass the deadline/);
      expect(error.cause).toBeInstanceOf(UpstreamApiError);
      expect(server.requests).toHaveLength(3);
    });
  });

  it('does not even start when the deadline has passed', async () => {
    await withRandomUserServer({}, async (server) => {
      const { client, deadlineIn } = virtualTimeClient(server.url);
      await expect(client.fetchPage(PAGE, { deadline: deadlineIn(0) })).rejects.toThrow(
        PullDeadlineExceededError,
      );
      expect(server.requests).toHaveLength(0);
    });
  });

  it('refuses a 200 that is not a randomuser document, and retries randomuser error documents', async () => {
    await withRandomUserServer(
      {
        failures: [
          { status: 200, body: '{"error":"Uh oh, something has gone wrong."}' },
          { status: 200, body: '<html>' },
        ],
      },
      async (server) => {
        const { client, deadlineIn } = virtualTimeClient(server.url);
        const error = await client.fetchPage(PAGE, { deadline: deadlineIn(60_000) }).catch((e) => e);
        expect(error).toBeInstanceOf(UpstreamResponseError);
        expect(server.requests).toHaveLength(2);
      },
    );
  });

  it('keeps a base URL path', () => {
    const { client } = virtualTimeClient('http://127.0.0.1:1/mirror');
    expect(client.pageUrl({ seed: 's', page: 2, results: 500 }).toString()).toBe(
      'http://127.0.0.1:1/mirror/api/?results=500&seed=s&page=2',
    );
  });
});

describe('backoff helpers', () => {
  it('draws full-jitter delays below an exponentially growing, capped ceiling', () => {
    const options = { baseMs: 100, capMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((attempt) => fullJitterDelayMs(attempt, options, () => 0.999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(fullJitterDelayMs(3, options, () => 0)).toBe(0);
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(parseRetryAfterMs('2', now)).toBe(2_000);
    expect(parseRetryAfterMs('Wed, 01 May 2024 12:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfterMs('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
  });
});
