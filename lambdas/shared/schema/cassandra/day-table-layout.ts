/**
 * Which day tables a stage has, which of them the processor writes and which one readers read: one
 * definition for the processor, the CDK stack (tables, environment, the DAGs' Airflow Variable), the local
 * mirror and its tools. The stage config holds the values (`signupDayTable` in bin/config).
 */
import { type Env, integer, oneOf, requiredString } from '../../config.js';
import {
  CASSANDRA_TABLES,
  CREATED_USERS_TABLE,
  LEGACY_USERS_BY_SIGNUP_DAY_TABLE,
  type TableDefinition,
  USERS_BY_SIGNUP_DAY_TABLE,
} from './tables.js';
import { MAX_SIGNUP_DAY_BUCKETS } from './users-by-signup-day-key.js';

/**
 * Where a stage deployed before the bucketed day table stands in its upgrade (docs/scaling.md):
 * - `none`: only the bucketed table (every new stage, and the end of an upgrade);
 * - `dual-write`: the legacy `users_by_signup_day` is kept and written too, readers still read it; the
 *   backfill copies its older rows meanwhile;
 * - `readers-switched`: both still written (a step back stays possible), readers read the bucketed table.
 */
export const LEGACY_TABLE_PHASES = ['none', 'dual-write', 'readers-switched'] as const;
export type LegacyTablePhase = (typeof LEGACY_TABLE_PHASES)[number];

/** The stage's day-table layout. */
export interface SignupDayLayout {
  /** Partitions per (signup_day, country): each takes up to 1,000 writes/s in Keyspaces. */
  readonly buckets: number;
  readonly legacyTable: LegacyTablePhase;
}

/** What a reader of one (day, country) reads: a table and, for the bucketed one, every bucket. */
export interface DayTableReads {
  readonly table: TableDefinition;
  /** Buckets to read (0..buckets-1); null for the legacy table, which has no bucket column. */
  readonly buckets: number | null;
}

/** The environment variables the processor (and local tools) read the layout from. */
export const SIGNUP_DAY_BUCKETS_VARIABLE = 'SIGNUP_DAY_BUCKETS';
export const SIGNUP_DAY_LEGACY_TABLE_VARIABLE = 'SIGNUP_DAY_LEGACY_TABLE';

/** Every Cassandra table the layout has, in the order the processor writes them. */
export function cassandraTablesOf(layout: SignupDayLayout): readonly TableDefinition[] {
  return layout.legacyTable === 'none'
    ? CASSANDRA_TABLES
    : [CREATED_USERS_TABLE, USERS_BY_SIGNUP_DAY_TABLE, LEGACY_USERS_BY_SIGNUP_DAY_TABLE];
}

/** The day table readers read in this phase. */
export function dayTableReads(layout: SignupDayLayout): DayTableReads {
  return layout.legacyTable === 'dual-write'
    ? { table: LEGACY_USERS_BY_SIGNUP_DAY_TABLE, buckets: null }
    : { table: USERS_BY_SIGNUP_DAY_TABLE, buckets: layout.buckets };
}

/**
 * The partition keys to read for "users of `day` in `country`", in partition-key column order: one per
 * bucket (the legacy table: one). Readers run them as bounded, concurrent single-partition reads.
 */
export function dayTablePartitions(reads: DayTableReads, day: unknown, country: string): unknown[][] {
  if (reads.buckets === null) return [[day, country]];
  return Array.from({ length: reads.buckets }, (_, bucket) => [day, country, bucket]);
}

/**
 * What the DAGs read the day table by, as the JSON of their Airflow Variable `signup_day_table`: the table's
 * name and how many buckets to read (null for the legacy table, which has no bucket column).
 */
export function dayTableReadsJson(layout: SignupDayLayout): string {
  const reads = dayTableReads(layout);
  return JSON.stringify({ table: reads.table.name, bucket_count: reads.buckets });
}

/** The layout as environment variables (for the processor's function and the local runtime). */
export function signupDayEnvironment(layout: SignupDayLayout): Record<string, string> {
  return {
    [SIGNUP_DAY_BUCKETS_VARIABLE]: String(layout.buckets),
    [SIGNUP_DAY_LEGACY_TABLE_VARIABLE]: layout.legacyTable,
  };
}

/**
 * The layout from the environment. The bucket count has no default: a writer with the wrong count would put
 * rows where readers with the right one still find them, but a reader with too few buckets would miss rows,
 * so a stage must say it (CDK sets both variables from the stage config; `npm start` and the tools too).
 */
export function readSignupDayLayout(env: Env): SignupDayLayout {
  requiredString(env, SIGNUP_DAY_BUCKETS_VARIABLE);
  return {
    buckets: integer(env, SIGNUP_DAY_BUCKETS_VARIABLE, 1, { min: 1, max: MAX_SIGNUP_DAY_BUCKETS }),
    legacyTable: oneOf(env, SIGNUP_DAY_LEGACY_TABLE_VARIABLE, LEGACY_TABLE_PHASES, 'none'),
  };
}
