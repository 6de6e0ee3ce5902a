/**
 * `npm run query -- <user id> [...]`: shows where a user landed: the PostgreSQL row, the Cassandra rows (both
 * tables), any dead letters with that key, and the tombstones an erasure left (no personal data).
 * `npm run query -- --recent 5` lists the newest users; `npm run query -- --signup-day 2024-05-01 --country
 * Ireland` the users of one day and country, read from every bucket of the day table.
 */
import { Client as CassandraClient } from 'cassandra-driver';
import pg from 'pg';
import {
  assertCqlIdentifier,
  dayTableReads,
  SIGNUP_DAY_CLUSTERING_FIELDS,
  SIGNUP_INSTANT_FIELD,
  type SignupDayLayout,
  usersBySignupDayKey,
} from '../lambdas/shared/schema/cassandra/index.js';
import { exitWithUsage, parseCli, wholeNumberFlag } from '../tools/cli/args.js';
import { readSignupDay } from './day-table/read.js';
import {
  localSignupDayLayout,
  MIRRORED_STAGES,
  type MirroredStage,
  stageSignupDayLayout,
} from './runtime/local-mapping.js';
import { adminConnection, readLocalServicesSettings } from './services/config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const USAGE = `usage: npm run query -- <user id> [<user id>...]
       npm run query -- --recent N
       npm run query -- --signup-day YYYY-MM-DD --country C [--count]

Shows where each user landed in the local stores: the PostgreSQL row, the Cassandra rows (created_users and
the user's day-table row), any dead letters keyed by that id, and the tombstones of an erasure
(DELETE /v1/users/{id}). With --signup-day and --country: the users who signed up that UTC day in that country,
read from every bucket of the day table (one query per partition).

options:
  --recent N          the N newest users (1-1000) instead of given ids
  --signup-day D      a UTC day, with --country: the day table's users of that day and country
  --country C         the country as the day table keys it (the address's last part)
  --count             with --signup-day: only the counts, per bucket and in total
  --keyspace K        Cassandra keyspace (default: CASSANDRA_KEYSPACE, else pipeline)
  --stage dev|prod    read the day table as this stage lays it out (the stage \`npm start --stage\` runs;
                      default: SIGNUP_DAY_BUCKETS / SIGNUP_DAY_LEGACY_TABLE when set, else dev)
  -h, --help          show this help`;

const { values, positionals } = parseCli({
  usage: USAGE,
  allowPositionals: true,
  options: {
    recent: { type: 'string' },
    'signup-day': { type: 'string' },
    country: { type: 'string' },
    count: { type: 'boolean', default: false },
    keyspace: { type: 'string' },
    stage: { type: 'string' },
  },
});
const recent =
  values.recent === undefined ? undefined : wholeNumberFlag(USAGE, 'recent', values.recent, 1, 1_000);
const signupDay = values['signup-day'];
const country = values.country;
if (signupDay !== undefined && (!DAY.test(signupDay) || Number.isNaN(Date.parse(`${signupDay}T00:00:00Z`))))
  exitWithUsage(USAGE, `--signup-day must be a day YYYY-MM-DD, got "${signupDay}"`);
if ((signupDay === undefined) !== (country === undefined))
  exitWithUsage(USAGE, 'give --signup-day and --country together');
if (country !== undefined && country.trim() === '') exitWithUsage(USAGE, '--country must not be empty');
if (values.count && signupDay === undefined) exitWithUsage(USAGE, '--count needs --signup-day and --country');
const badIds = positionals.filter((id) => !UUID.test(id));
if (badIds.length > 0) exitWithUsage(USAGE, `not a user id (UUID): ${badIds.join(', ')}`);
if (positionals.length === 0 && recent === undefined && signupDay === undefined)
  exitWithUsage(USAGE, 'give user ids, --recent N, or --signup-day and --country');
const keyspace = values.keyspace ?? process.env.CASSANDRA_KEYSPACE ?? 'pipeline';
try {
  assertCqlIdentifier(keyspace, 'keyspace');
} catch (error) {
  exitWithUsage(USAGE, `--keyspace: ${(error as Error).message}`);
}

if (values.stage !== undefined && !(MIRRORED_STAGES as readonly string[]).includes(values.stage))
  exitWithUsage(USAGE, `--stage must be ${MIRRORED_STAGES.join(' or ')}, got "${values.stage}"`);

const settings = readLocalServicesSettings();
const layout: SignupDayLayout =
  values.stage === undefined ? localSignupDayLayout() : stageSignupDayLayout(values.stage as MirroredStage);
const reads = dayTableReads(layout);
// An operator's look at the tables (administrator), not the pipeline's access.
const pool = new pg.Pool({ ...adminConnection(settings), max: 1 });
const cassandra = new CassandraClient({
  contactPoints: [settings.cassandra.host],
  protocolOptions: { port: settings.cassandra.port },
  localDataCenter: settings.cassandra.localDataCenter,
});

const asJson = (row: { keys(): string[]; get(name: string): unknown } | undefined) =>
  row ? JSON.stringify(Object.fromEntries(row.keys().map((k) => [k, row.get(k)]))) : '(none)';

/** The users of one day and country, partition by partition. */
async function showSignupDay(day: string, where: string): Promise<void> {
  const columns = values.count ? ['id'] : ['id', SIGNUP_INSTANT_FIELD, 'first_name', 'last_name', 'email'];
  const partitions = await readSignupDay(cassandra, keyspace, reads, day, where, columns);
  const total = partitions.reduce((sum, p) => sum + p.rows.length, 0);
  if (!values.count)
    for (const { bucket, rows } of partitions)
      for (const row of rows) console.log(`${bucket === null ? '' : `bucket ${bucket}  `}${asJson(row)}`);
  const perBucket = partitions.map((p) => `${p.bucket ?? 'all'}: ${p.rows.length}`).join(', ');
  console.log(
    `${total} user(s) signed up on ${day} in ${where}: ${keyspace}.${reads.table.name}, ` +
      `${partitions.length} partition(s) read (${perBucket})`,
  );
}

/** One user's rows in both stores and its dead letters. */
async function showUser(id: string): Promise<void> {
  const row = (await pool.query('select * from users where user_id = $1', [id])).rows[0];
  const wide = (
    await cassandra.execute(`SELECT * FROM ${keyspace}.created_users WHERE id = ?`, [id], { prepare: true })
  ).first();
  const dead = await pool.query(
    `select reason, detail, kafka_topic, kafka_partition, kafka_offset, attempt_count from dead_letters
     where raw_key = convert_to($1, 'UTF8') order by first_seen_at`,
    [id],
  );
  console.log(`user ${id}`);
  console.log(`  postgres users:          ${row ? JSON.stringify(row) : '(none)'}`);
  console.log(`  cassandra created_users: ${asJson(wide ?? undefined)}`);
  if (row) {
    // The user's own row: located with the writers' key function, as a delete would (a point read).
    const key = usersBySignupDayKey(
      { id, address: row.address, [SIGNUP_INSTANT_FIELD]: new Date(row[SIGNUP_INSTANT_FIELD]).toISOString() },
      layout.buckets,
    );
    const partition =
      reads.buckets === null ? [key.signup_day, key.country] : [key.signup_day, key.country, key.bucket];
    const restriction = reads.table.partitionKey.map((c) => `${c} = ?`).join(' AND ');
    const day = (
      await cassandra.execute(
        `SELECT * FROM ${keyspace}.${reads.table.name} WHERE ${restriction} AND ${SIGNUP_DAY_CLUSTERING_FIELDS.map((c) => `${c} = ?`).join(' AND ')}`,
        [...partition, key.signupInstant, id],
        { prepare: true },
      )
    ).first();
    console.log(`  cassandra ${reads.table.name}: ${asJson(day ?? undefined)}`);
  }
  for (const d of dead.rows) console.log(`  dead letter:             ${JSON.stringify(d)}`);
  const tombstone = (await pool.query('select * from user_tombstones where user_id = $1', [id])).rows[0];
  const wideTombstone = (
    await cassandra.execute(`SELECT * FROM ${keyspace}.user_tombstones WHERE id = ?`, [id], { prepare: true })
  ).first();
  if (tombstone) console.log(`  postgres tombstone:      ${JSON.stringify(tombstone)}`);
  if (wideTombstone) console.log(`  cassandra tombstone:     ${asJson(wideTombstone)}`);
}

try {
  if (signupDay !== undefined && country !== undefined) {
    await showSignupDay(signupDay, country);
  } else {
    const ids =
      recent !== undefined
        ? (
            await pool.query<{ user_id: string }>(
              'select user_id from users order by ingested_at desc limit $1',
              [recent],
            )
          ).rows.map((r) => r.user_id)
        : positionals;
    for (const id of ids) await showUser(id);
  }
} finally {
  await pool.end();
  await cassandra.shutdown();
}
