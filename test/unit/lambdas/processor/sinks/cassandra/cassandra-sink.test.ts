/**
 * The Cassandra rows are built from the field registry by per-column readers, with each date-time parsed once,
 * LocalDate from days since the epoch and the order key (occurred_at in µs) exact as a Long. These tests hold them to the
 * straightforward construction they replaced, value for value.
 */
import { type Client, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import type { AcceptedEvent } from '../../../../../../lambdas/processor/process-batch.js';
import {
  CassandraSink,
  cassandraRow,
  cassandraUserWriter,
  insertStatement,
} from '../../../../../../lambdas/processor/sinks/cassandra/cassandra-sink.js';
import {
  CREATED_USERS_TABLE,
  LEGACY_USERS_BY_SIGNUP_DAY_TABLE,
  type SignupDayLayout,
  USERS_BY_SIGNUP_DAY_TABLE,
  usersBySignupDayKey,
} from '../../../../../../lambdas/shared/schema/cassandra/index.js';
import { userEvent, userPayload } from '../../../../../support/user-events.js';

const BUCKETS = 16;
const LAYOUT: SignupDayLayout = { buckets: BUCKETS, legacyTable: 'none' };
const DUAL_WRITE: SignupDayLayout = { buckets: BUCKETS, legacyTable: 'dual-write' };
const cassandraUserWrite = cassandraUserWriter(LAYOUT);

// The previous implementation, kept here only as the oracle (the bucket from the key function, which
// test/unit/lambdas/shared/schema/cassandra/tables.test.ts pins against an independent implementation of the hash).
const reference = {
  createdUsers({ event }: AcceptedEvent): Record<string, unknown> {
    const p = event.payload;
    return {
      ...p,
      dob: new Date(p.dob),
      registered_date: new Date(p.registered_date),
      event_id: event.event_id,
      schema_version: event.schema_version,
      source: event.source,
      occurred_at: new Date(event.occurred_at),
      ingested_at: new Date(event.ingested_at),
      nationality: p.nationality ?? null,
      occurred_at_micros: reference.orderMicros({ event } as AcceptedEvent),
    };
  },
  usersBySignupDay(accepted: AcceptedEvent): Record<string, unknown> {
    const { signup_day, country, ...rest } = reference.legacyUsersBySignupDay(accepted);
    const bucket = usersBySignupDayKey(accepted.event.payload, BUCKETS).bucket;
    return { signup_day, country, bucket, ...rest };
  },
  legacyUsersBySignupDay({ event }: AcceptedEvent): Record<string, unknown> {
    const p = event.payload;
    const key = usersBySignupDayKey(p, BUCKETS);
    return {
      signup_day: types.LocalDate.fromString(key.signup_day),
      country: key.country,
      registered_date: key.signupInstant,
      id: key.id,
      first_name: p.first_name,
      last_name: p.last_name,
      gender: p.gender,
      email: p.email,
      username: p.username,
      event_id: event.event_id,
      ingested_at: new Date(event.ingested_at),
      nationality: p.nationality ?? null,
    };
  },
  /** Milliseconds × 1000, plus the microseconds PostgreSQL keeps beyond the millisecond (pinned by hand). */
  orderMicros({ event }: AcceptedEvent): types.Long {
    const subMillisecond = SUB_MILLISECOND_MICROS[event.occurred_at] ?? 0;
    return types.Long.fromNumber(Date.parse(event.occurred_at)).multiply(1000).add(subMillisecond);
  },
};

/** 0.123456789 s is 123457 µs in PostgreSQL (rounded): 457 µs beyond the 123rd millisecond. */
const SUB_MILLISECOND_MICROS: Readonly<Record<string, number>> = {
  '2024-05-01T12:00:00.123456789+02:00': 457,
};

const source = { topic: 'users_created', partition: 0, offset: 1, timestamp: 0 } as AcceptedEvent['source'];
/** The processor's write time of a batch: it comes from the clock, not from the event. */
const NOW_MS = Date.parse('2026-12-06T12:00:00.000Z');
const WRITE_TIME = types.Long.fromNumber(NOW_MS).multiply(1000);

function accepted(index: number, registeredDate?: string, occurredAt = '2024-05-01T12:00:00.000Z') {
  const overrides = registeredDate === undefined ? {} : { registered_date: registeredDate };
  return { event: userEvent(userPayload(index, overrides), occurredAt), source } satisfies AcceptedEvent;
}

const REGISTERED_DATES = [
  '2024-02-29T23:59:59.999Z',
  '2024-03-01T00:30:00+01:00', // the UTC day is 29 February
  '2023-12-31T23:00:00-02:00', // the UTC day is 1 January 2024
  '1970-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999Z',
  '1900-02-28T12:00:00Z',
  '0000-01-01T00:00:00Z',
  '0001-03-01T00:00:00+00:00',
  '0099-12-31T23:59:59Z',
  '9999-12-31T23:59:59.999Z',
];
const OCCURRED_AT = [
  '2024-05-01T12:00:00.000Z',
  '2024-05-01T12:00:00.123456789+02:00',
  '1969-12-31T23:59:59.999Z',
  '0000-01-01T00:00:00Z',
  '2255-06-05T23:47:34.740Z', // µs just within exact doubles
  '2255-06-05T23:47:34.741Z', // µs just beyond
  '9999-12-31T23:59:59.999Z',
];

/** Registered on every day of some years (leap and not, early and late), and the edge cases above. */
function corpus(): AcceptedEvent[] {
  const events = REGISTERED_DATES.map((date, i) => accepted(i, date, OCCURRED_AT[i % OCCURRED_AT.length]));
  for (const [i, occurredAt] of OCCURRED_AT.entries()) events.push(accepted(100 + i, undefined, occurredAt));
  for (const year of [2000, 2023, 2024, 1969]) {
    for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
      events.push(accepted(events.length, new Date(day + 3_600_000).toISOString()));
    }
  }
  return events;
}

const CORPUS = corpus();

const TABLES = [
  [CREATED_USERS_TABLE, reference.createdUsers],
  [USERS_BY_SIGNUP_DAY_TABLE, reference.usersBySignupDay],
] as const;
const DUAL_WRITE_TABLES = [
  ...TABLES,
  [LEGACY_USERS_BY_SIGNUP_DAY_TABLE, reference.legacyUsersBySignupDay],
] as const;

describe('Cassandra rows', () => {
  it('created_users: the same values as the spread-based row', () => {
    for (const user of CORPUS) {
      expect(cassandraRow(CREATED_USERS_TABLE, user, BUCKETS)).toStrictEqual(reference.createdUsers(user));
    }
  });

  it('the day tables: the same values (LocalDate and the bucket included)', () => {
    for (const user of CORPUS) {
      const label = user.event.payload.registered_date;
      const expected = reference.usersBySignupDay(user);
      const row = cassandraRow(USERS_BY_SIGNUP_DAY_TABLE, user, BUCKETS);
      expect(row, label).toStrictEqual(expected);
      expect(String(row.signup_day), label).toBe(String(expected.signup_day));
      const legacy = cassandraRow(LEGACY_USERS_BY_SIGNUP_DAY_TABLE, user, BUCKETS);
      expect(legacy, label).toStrictEqual(reference.legacyUsersBySignupDay(user));
    }
  });

  it('spreads one (day, country) over every bucket', () => {
    const users = Array.from({ length: 400 }, (_, i) => accepted(8 * i, '2024-02-29T10:00:00Z'));
    const rows = users.map((user) => cassandraRow(USERS_BY_SIGNUP_DAY_TABLE, user, BUCKETS));
    expect(new Set(rows.map((row) => `${row.signup_day}/${row.country}`)).size).toBe(1);
    expect(new Set(rows.map((row) => row.bucket))).toEqual(
      new Set(Array.from({ length: BUCKETS }, (_, b) => b)),
    );
  });

  it.each([
    ['only the bucketed table', LAYOUT, TABLES],
    ['dual-write: the legacy table too, last', DUAL_WRITE, DUAL_WRITE_TABLES],
  ] as const)(
    'statement parameters (%s): every column in table order, then the write time',
    (_label, layout, tables) => {
      const write = cassandraUserWriter(layout);
      for (const user of CORPUS) {
        const params = write(user, WRITE_TIME);
        expect(params).toHaveLength(tables.length);
        tables.forEach(([table, row], i) => {
          const expected = row(user);
          expect(params[i]).toStrictEqual([...table.columns.map((c) => expected[c.name]), WRITE_TIME]);
        });
      }
    },
  );

  it('order key: occurred_at in µs, the same Long on both sides of the exact-double limit and before 1970', () => {
    for (const user of CORPUS) {
      const expected = reference.orderMicros(user);
      const micros = cassandraRow(CREATED_USERS_TABLE, user, BUCKETS).occurred_at_micros as types.Long;
      expect(micros, user.event.occurred_at).toStrictEqual(expected);
      expect(micros.toString()).toBe(expected.toString());
    }
  });

  it('a v1 event (no nationality) writes null, so the newest event is the whole row', () => {
    const { nationality: _dropped, ...v1Payload } = userPayload(1);
    const user = {
      event: { ...userEvent(v1Payload, '2024-05-01T12:00:00.000Z'), schema_version: 1 },
      source,
    } as AcceptedEvent;
    expect(cassandraRow(CREATED_USERS_TABLE, user, BUCKETS).nationality).toBeNull();
    expect(cassandraRow(USERS_BY_SIGNUP_DAY_TABLE, user, BUCKETS).nationality).toBeNull();
  });

  it.each([
    ['year -1', '0000-01-01T00:30:00+01:00'],
    ['year 10000', '9999-12-31T23:59:59-23:59'],
  ])('a registered_date whose UTC day is in %s still fails with the same error', (_label, date) => {
    // toISOString() writes such years with six digits and a sign, which LocalDate.fromString rejects.
    const user = accepted(1, date);
    const error = (() => {
      try {
        reference.usersBySignupDay(user);
      } catch (thrown) {
        return thrown as Error;
      }
      throw new Error('the reference accepted it');
    })();
    expect(() => cassandraRow(USERS_BY_SIGNUP_DAY_TABLE, user, BUCKETS)).toThrow(error.message);
    expect(() => cassandraUserWrite(user, WRITE_TIME)).toThrow(error.message);
  });
});

// The statements written out by hand, not built by the function under test: `USING TIMESTAMP ?` binds the
// processor's write time (the one the newer event must win the cell with), so losing it must fail here.
const PINNED_INSERTS: Readonly<Record<string, string>> = {
  created_users:
    'INSERT INTO ks.created_users (id, first_name, last_name, gender, address, post_code, email, username, dob, registered_date, phone, picture, event_id, schema_version, source, occurred_at, ingested_at, nationality, occurred_at_micros) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
  users_by_signup_day_bucketed:
    'INSERT INTO ks.users_by_signup_day_bucketed (signup_day, country, bucket, registered_date, id, first_name, last_name, gender, email, username, event_id, ingested_at, nationality) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
  users_by_signup_day:
    'INSERT INTO ks.users_by_signup_day (signup_day, country, registered_date, id, first_name, last_name, gender, email, username, event_id, ingested_at, nationality) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
};

describe('insertStatement', () => {
  it('writes every column of the table and binds the write time with USING TIMESTAMP', () => {
    expect(insertStatement('ks', CREATED_USERS_TABLE)).toBe(PINNED_INSERTS.created_users);
    expect(insertStatement('ks', USERS_BY_SIGNUP_DAY_TABLE)).toBe(
      PINNED_INSERTS.users_by_signup_day_bucketed,
    );
    expect(insertStatement('ks', LEGACY_USERS_BY_SIGNUP_DAY_TABLE)).toBe(PINNED_INSERTS.users_by_signup_day);
  });
});

describe('CassandraSink.write', () => {
  it.each([
    ['only the bucketed table', LAYOUT, TABLES],
    ['dual-write: the legacy table too', DUAL_WRITE, DUAL_WRITE_TABLES],
  ] as const)(
    'new users (%s): one read of each user table per user, then the day rows, then created_users, at now',
    async (_label, layout, tables) => {
      const executed: { query: string; params: unknown[] }[] = [];
      const reads: string[] = [];
      const client = {
        execute: async (query: string, params: unknown[]) => {
          // Nothing is stored for these users: every read answers no row.
          if (query.startsWith('SELECT')) reads.push(`${query} [${params}]`);
          else executed.push({ query, params });
          return { rows: [] };
        },
      } as unknown as Client;
      const users = [accepted(1), accepted(2, '2024-03-01T00:30:00+01:00', '1969-12-31T23:59:59.999Z')];
      await new CassandraSink(client, {
        keyspace: 'ks',
        signupDay: layout,
        concurrency: 1,
        now: () => NOW_MS,
      }).write({ users, deadLetters: [] });

      const insertsOf = (rows: typeof tables) =>
        users.flatMap((user) =>
          rows.map(([table, row]) => {
            const values = row(user);
            return {
              query: PINNED_INSERTS[table.name],
              params: [...table.columns.map((c) => values[c.name]), WRITE_TIME],
            };
          }),
        );
      const [createdUsers, ...dayTables] = tables;
      expect(executed).toStrictEqual([
        ...insertsOf(dayTables as unknown as typeof tables),
        ...insertsOf([createdUsers] as unknown as typeof tables),
      ]);
      const ids = users.map((user) => user.event.payload.id);
      const columns = CREATED_USERS_TABLE.columns.map((column) => column.name).join(', ');
      expect(reads.sort()).toEqual(
        [
          ...ids.map(
            (id) =>
              `SELECT ${columns}, WRITETIME(event_id) AS written FROM ks.created_users WHERE id = ? [${id}]`,
          ),
          ...ids.map(
            (id) =>
              `SELECT event_id, occurred_at_micros, WRITETIME(event_id) AS written FROM ks.user_tombstones WHERE id = ? [${id}]`,
          ),
        ].sort(),
      );
    },
  );
});
