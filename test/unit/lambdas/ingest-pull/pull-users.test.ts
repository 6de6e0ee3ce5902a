import { describe, expect, it } from 'vitest';
import { PullDeadlineExceededError, UpstreamApiError } from '../../../../lambdas/ingest-pull/errors.js';
import { formatRandomUser } from '../../../../lambdas/ingest-pull/map-randomuser.js';
import {
  MAX_LISTED_FAILURES,
  MAX_LISTED_USER_IDS,
  type PullDependencies,
  planPages,
  pullUsers,
} from '../../../../lambdas/ingest-pull/pull-users.js';
import {
  RandomUserClient,
  type RandomUserSource,
} from '../../../../lambdas/ingest-pull/randomuser-client.js';
import type { UserCreatedEvent } from '../../../../lambdas/shared/contract/index.js';
import { KafkaUnavailableError } from '../../../../lambdas/shared/kafka/errors.js';
import { generateRandomUsers, type RandomUserResultDocument } from '../../../../local/randomuser/generate.js';
import { randomUserResult, withRandomUserServer } from '../../../support/randomuser.js';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');

function dependencies(source: RandomUserSource, overrides: Partial<PullDependencies> = {}) {
  const sends: UserCreatedEvent[][] = [];
  const logs: { level: string; message: string }[] = [];
  const log = (level: string) => (message: string) => logs.push({ level, message });
  const deps: PullDependencies = {
    source,
    publish: async (events) => {
      sends.push([...events]);
    },
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    pageSize: 500,
    deadline: NOW + 60_000,
    now: () => NOW,
    ...overrides,
  };
  return { deps, sends, logs };
}

function instantClient(baseUrl: string) {
  return new RandomUserClient({
    baseUrl,
    requestTimeoutMs: 5_000,
    maxAttempts: 3,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 1,
    now: () => NOW,
    sleep: async () => {},
  });
}

/** A source that answers each page from a list of planned outcomes. */
function scriptedSource(pages: (unknown[] | Error)[]): RandomUserSource & { calls: number } {
  const source = {
    calls: 0,
    fetchPage: async () => {
      const page = pages[source.calls];
      source.calls += 1;
      if (page === undefined) throw new Error('no more pages scripted');
      if (page instanceof Error) throw page;
      return page;
    },
  };
  return source;
}

describe('planPages', () => {
  it('asks for exactly N in one request when N fits a page', () => {
    expect(planPages(42, 's', 500)).toEqual([{ seed: 's', page: 1, results: 42, take: 42 }]);
  });

  it('keeps results = pageSize on every page and cuts the last one, so randomuser offsets stay aligned', () => {
    expect(planPages(1_200, 's', 500)).toEqual([
      { seed: 's', page: 1, results: 500, take: 500 },
      { seed: 's', page: 2, results: 500, take: 500 },
      { seed: 's', page: 3, results: 500, take: 200 },
    ]);
  });
});

describe('pullUsers', () => {
  it('pages through the API and produces every user once, keyed by login.uuid, one send per page', async () => {
    await withRandomUserServer({}, async (server) => {
      const { deps, sends } = dependencies(instantClient(server.url), { pageSize: 100 });
      const result = await pullUsers({ count: 250, seed: 'paging' }, deps);

      expect(result).toMatchObject({
        requested: 250,
        fetched: 250,
        produced: 250,
        failed: 0,
        failures: [],
        seed: 'paging',
        pages: 3,
        retries: 0,
        complete: true,
      });
      expect(server.requests.map((r) => r.query)).toEqual([
        { results: '100', seed: 'paging', page: '1' },
        { results: '100', seed: 'paging', page: '2' },
        { results: '100', seed: 'paging', page: '3' },
      ]);
      expect(sends.map((events) => events.length)).toEqual([100, 100, 50]);
      // The first MAX_LISTED_USER_IDS produced users, in order, by the ids their events carry.
      expect(result.producedUserIds).toEqual(
        sends
          .flat()
          .slice(0, MAX_LISTED_USER_IDS)
          .map((e) => e.payload.id),
      );

      const expected = generateRandomUsers('paging', 0, 250);
      const events = sends.flat();
      expect(events.map((e) => e.payload.id)).toEqual(expected.map((u) => u.login.uuid));
      const source = expected[0] as RandomUserResultDocument;
      expect(events[0]).toMatchObject({
        source: 'ingest-pull',
        occurred_at: source.registered.date,
        ingested_at: '2024-05-01T12:00:00.000Z',
        payload: formatRandomUser(source, source.login.uuid),
      });
    });
  });

  it('never produces a user.deleted: every event of a pull is a user.created', async () => {
    await withRandomUserServer({}, async (server) => {
      const { deps, sends } = dependencies(instantClient(server.url), { pageSize: 100 });
      await pullUsers({ count: 150, seed: 'creates-only' }, deps);
      const types = new Set(sends.flat().map((event) => event.event_type as string));
      expect([...types]).toEqual(['user.created']);
      expect(sends.flat()).toHaveLength(150);
    });
  });

  it('yields the same users under the same ids when a seed is fetched again', async () => {
    await withRandomUserServer({}, async (server) => {
      const first = dependencies(instantClient(server.url));
      const second = dependencies(instantClient(server.url));
      await pullUsers({ count: 20, seed: 'again' }, first.deps);
      await pullUsers({ count: 20, seed: 'again' }, second.deps);
      const ids = (sends: UserCreatedEvent[][]) => sends.flat().map((e) => e.payload.id);
      expect(ids(second.sends)).toEqual(ids(first.sends));
      const eventIds = (sends: UserCreatedEvent[][]) => sends.flat().map((e) => e.event_id);
      expect(eventIds(second.sends)).not.toEqual(eventIds(first.sends));
    });
  });

  it('retries through injected 429/503 and counts the retries', async () => {
    await withRandomUserServer({ failures: [429, { status: 503, retryAfter: '0' }] }, async (server) => {
      const { deps } = dependencies(instantClient(server.url));
      const result = await pullUsers({ count: 10, seed: 'flaky' }, deps);
      expect(result).toMatchObject({ produced: 10, retries: 2, complete: true });
    });
  });

  it('counts invalid users as failed with reasons and produces the rest', async () => {
    const good = randomUserResult();
    const badEmail = randomUserResult({
      email: 'nope',
      login: { ...good.login, uuid: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
    });
    const { location: _location, ...noLocation } = randomUserResult();
    const { deps, sends } = dependencies(scriptedSource([[good, badEmail, noLocation, 17]]));

    const result = await pullUsers({ count: 4, seed: 's' }, deps);

    expect(result).toMatchObject({ fetched: 4, produced: 1, failed: 3, complete: true });
    expect(result.failures).toEqual([
      {
        index: 1,
        reason: 'schema_violation',
        user_id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        issues: [{ path: 'email', message: expect.any(String) }],
      },
      {
        index: 2,
        reason: 'source_shape',
        user_id: good.login.uuid,
        issues: [{ path: 'location', message: expect.any(String) }],
      },
      { index: 3, reason: 'source_shape', issues: [{ path: '', message: expect.any(String) }] },
    ]);
    expect(sends.flat().map((e) => e.payload.id)).toEqual([good.login.uuid]);
  });

  it(`lists only the first ${MAX_LISTED_FAILURES} failures but counts them all`, async () => {
    const { deps } = dependencies(scriptedSource([Array.from({ length: 25 }, () => ({}))]));
    const result = await pullUsers({ count: 25, seed: 's' }, deps);
    expect(result.failed).toBe(25);
    expect(result.failures).toHaveLength(MAX_LISTED_FAILURES);
    expect(result.produced).toBe(0);
  });

  it('returns a partial result, marked incomplete, when a later page cannot be fetched', async () => {
    const users = generateRandomUsers('partial', 0, 2);
    const deadline = new PullDeadlineExceededError('deadline reached before page 2 could be fetched');
    const { deps, logs } = dependencies(scriptedSource([[users[0]], deadline]), { pageSize: 1 });

    const result = await pullUsers({ count: 2, seed: 'partial' }, deps);

    expect(result).toMatchObject({
      requested: 2,
      fetched: 1,
      produced: 1,
      complete: false,
      error: { name: 'PullDeadlineExceededError', message: deadline.message },
    });
    expect(logs.some((l) => l.level === 'error')).toBe(true);
  });

  it('throws the typed error when nothing could be produced', async () => {
    const upstream = new UpstreamApiError(503, 'randomuser.me answered 503');
    await expect(
      pullUsers({ count: 5, seed: 's' }, dependencies(scriptedSource([upstream])).deps),
    ).rejects.toBe(upstream);

    const kafkaDown = new KafkaUnavailableError('connecting to Kafka: ECONNREFUSED');
    const { deps } = dependencies(scriptedSource([generateRandomUsers('s', 0, 5)]), {
      publish: async () => {
        throw kafkaDown;
      },
    });
    await expect(pullUsers({ count: 5, seed: 's' }, deps)).rejects.toBe(kafkaDown);
  });
});
