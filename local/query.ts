/**
 * `npm run query -- <user id> [...]`: shows where a user landed: the PostgreSQL row, the Cassandra rows, any
 * dead letters with that key, and the tombstones an erasure left (no personal data). `npm run query -- --recent 5`
 * lists the newest users instead.
 */
import { Client as CassandraClient } from 'cassandra-driver';
import pg from 'pg';
import { exitWithUsage, parseCli, wholeNumberFlag } from './cli/args.js';
import { adminConnection, readLocalServicesSettings } from './services/config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USAGE = `usage: npm run query -- <user id> [<user id>...]
       npm run query -- --recent N

Shows where each user landed in the local stores: the PostgreSQL row, the Cassandra rows, any dead
letters keyed by that id, and the tombstones of an erasure (DELETE /v1/users/{id}).

options:
  --recent N   the N newest users (1-1000) instead of given ids
  -h, --help   show this help`;

const { values, positionals } = parseCli({
  usage: USAGE,
  allowPositionals: true,
  options: { recent: { type: 'string' } },
});
const recent =
  values.recent === undefined ? undefined : wholeNumberFlag(USAGE, 'recent', values.recent, 1, 1_000);
const badIds = positionals.filter((id) => !UUID.test(id));
if (badIds.length > 0) exitWithUsage(USAGE, `not a user id (UUID): ${badIds.join(', ')}`);
if (positionals.length === 0 && recent === undefined) exitWithUsage(USAGE, 'give user ids or --recent N');

const settings = readLocalServicesSettings();
// An operator's look at the tables (administrator), not the pipeline's access.
const pool = new pg.Pool({ ...adminConnection(settings), max: 1 });
const cassandra = new CassandraClient({
  contactPoints: [settings.cassandra.host],
  protocolOptions: { port: settings.cassandra.port },
  localDataCenter: settings.cassandra.localDataCenter,
});

try {
  const ids =
    recent !== undefined
      ? (
          await pool.query<{ user_id: string }>(
            'select user_id from users order by ingested_at desc limit $1',
            [recent],
          )
        ).rows.map((r) => r.user_id)
      : positionals;
  for (const id of ids) {
    const row = (await pool.query('select * from users where user_id = $1', [id])).rows[0];
    const wide = (
      await cassandra.execute('SELECT * FROM pipeline.created_users WHERE id = ?', [id], { prepare: true })
    ).first();
    const dead = await pool.query(
      `select reason, detail, kafka_topic, kafka_partition, kafka_offset, attempt_count from dead_letters
       where raw_key = convert_to($1, 'UTF8') order by first_seen_at`,
      [id],
    );
    const tombstone = (await pool.query('select * from user_tombstones where user_id = $1', [id])).rows[0];
    const wideTombstone = (
      await cassandra.execute('SELECT * FROM pipeline.user_tombstones WHERE id = ?', [id], { prepare: true })
    ).first();
    console.log(`user ${id}`);
    console.log(`  postgres users:          ${row ? JSON.stringify(row) : '(none)'}`);
    console.log(
      `  cassandra created_users: ${wide ? JSON.stringify(Object.fromEntries(wide.keys().map((k) => [k, wide.get(k)]))) : '(none)'}`,
    );
    for (const d of dead.rows) console.log(`  dead letter:             ${JSON.stringify(d)}`);
    if (tombstone) console.log(`  postgres tombstone:      ${JSON.stringify(tombstone)}`);
    if (wideTombstone) {
      const values = Object.fromEntries(wideTombstone.keys().map((k) => [k, wideTombstone.get(k)]));
      console.log(`  cassandra tombstone:     ${JSON.stringify(values)}`);
    }
  }
} finally {
  await pool.end();
  await cassandra.shutdown();
}
