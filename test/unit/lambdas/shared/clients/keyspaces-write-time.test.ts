/**
 * Keyspaces refuses a `USING TIMESTAMP` outside [now − 2 days, now + 5 minutes]; the shared write path refuses
 * it first, so that local Cassandra (which takes any value) fails where AWS would.
 */
import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { deleteStatement } from '../../../../../lambdas/processor/sinks/cassandra/cassandra-erasure.js';
import { insertStatement } from '../../../../../lambdas/processor/sinks/cassandra/cassandra-sink.js';
import { executeIdempotentWrites } from '../../../../../lambdas/shared/clients/keyspaces-retry.js';
import {
  assertKeyspacesWriteTime,
  usingTimestampOf,
  WriteTimeOutsideKeyspacesWindowError,
  windowSafeWriteTime,
} from '../../../../../lambdas/shared/clients/keyspaces-write-time.js';
import { CREATED_USERS_TABLE } from '../../../../../lambdas/shared/schema/cassandra/index.js';

const NOW_MS = Date.parse('2026-12-06T12:00:00.000Z');
const NOW = BigInt(NOW_MS) * 1_000n;
const TWO_DAYS = 2n * 86_400n * 1_000_000n;
const FIVE_MINUTES = 300n * 1_000_000n;
const long = (micros: bigint) => types.Long.fromString(micros.toString());

describe('usingTimestampOf', () => {
  it('finds the bound parameter by its marker, in an INSERT (last) and a DELETE (first)', () => {
    const insert = insertStatement('ks', CREATED_USERS_TABLE);
    const params = [...CREATED_USERS_TABLE.columns.map(() => 'x'), long(NOW)];
    expect(usingTimestampOf(insert, params)).toBe(NOW);
    const del = deleteStatement('ks', CREATED_USERS_TABLE);
    expect(usingTimestampOf(del, [long(NOW - 7n), 'id'])).toBe(NOW - 7n);
  });

  it('reads a literal, a bigint or a number, and nothing from a statement without one', () => {
    expect(usingTimestampOf('DELETE FROM t USING TIMESTAMP 1669069624 WHERE id = ?', ['x'])).toBe(
      1669069624n,
    );
    expect(usingTimestampOf('INSERT INTO t (a) VALUES (?) USING TIMESTAMP ?', ['a', 12n])).toBe(12n);
    expect(usingTimestampOf('INSERT INTO t (a) VALUES (?) USING TIMESTAMP ?', ['a', 13])).toBe(13n);
    expect(usingTimestampOf('INSERT INTO t (a) VALUES (?) IF NOT EXISTS', ['a'])).toBeUndefined();
  });
});

describe('assertKeyspacesWriteTime', () => {
  const insert = 'INSERT INTO t (a) VALUES (?) USING TIMESTAMP ?';
  it.each([
    ['now', NOW],
    ['exactly 2 days ago', NOW - TWO_DAYS],
    ['exactly 5 minutes ahead', NOW + FIVE_MINUTES],
  ])('accepts %s', (_label, micros) => {
    expect(() => assertKeyspacesWriteTime(insert, ['a', long(micros)], NOW_MS)).not.toThrow();
  });

  it.each([
    ['2 days and 1 µs ago', NOW - TWO_DAYS - 1n],
    ['5 minutes and 1 µs ahead', NOW + FIVE_MINUTES + 1n],
    ['a pulled user registered 5 years ago', BigInt(Date.parse('2021-12-06T12:00:00.000Z')) * 1_000n],
  ])('refuses %s with WriteTimeOutsideKeyspacesWindowError', (_label, micros) => {
    const refuse = () => assertKeyspacesWriteTime(insert, ['a', long(micros)], NOW_MS);
    expect(refuse).toThrow(WriteTimeOutsideKeyspacesWindowError);
    expect(refuse).toThrow(/Amazon Keyspaces accepts only now − 2 days \.\. now \+ 5 minutes/);
  });
});

describe('executeIdempotentWrites', () => {
  it('refuses the whole call before sending anything when one statement is outside the window', async () => {
    const sent: string[] = [];
    const client = { execute: async (query: string) => sent.push(query) } as never;
    const statements = [
      { query: 'INSERT INTO t (a) VALUES (?) USING TIMESTAMP ?', params: ['a', long(NOW)] },
      { query: 'DELETE FROM t USING TIMESTAMP ? WHERE a = ?', params: [long(NOW - TWO_DAYS - 1n), 'a'] },
    ];
    await expect(
      executeIdempotentWrites(client, statements, { concurrencyLevel: 2, now: () => NOW_MS }),
    ).rejects.toBeInstanceOf(WriteTimeOutsideKeyspacesWindowError);
    expect(sent).toEqual([]);
  });
});

describe('windowSafeWriteTime', () => {
  it('is now, or 1 µs after the latest stored write time when that is not before now', () => {
    expect(windowSafeWriteTime(NOW, [])).toBe(NOW);
    expect(windowSafeWriteTime(NOW, [undefined, NOW - 5n])).toBe(NOW);
    expect(windowSafeWriteTime(NOW, [NOW])).toBe(NOW + 1n);
    expect(windowSafeWriteTime(NOW, [NOW + 9n, undefined, NOW + 3n])).toBe(NOW + 10n);
  });
});
