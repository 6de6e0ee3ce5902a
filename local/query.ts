/**
 * `npm run query -- <user id> [...]`: shows where a user landed: the PostgreSQL row, the Cassandra rows and any
 * dead letters with that key. `npm run query -- --recent 5` lists the newest users instead.
 */
import { parseArgs } from 'node:util';
import { Client as CassandraClient } from 'cassandra-driver';
import pg from 'pg';
import { readLocalServicesSettings } from './services/config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { recent: { type: 'string' } },
});
const recent = values.recent === undefined ? undefined : Number(values.recent);
if (recent !== undefined && (!Number.isInteger(recent) || recent < 1 || recent > 1_000)) {
  console.error(`--recent must be a whole number from 1 to 1000, got "${values.recent}"`);
  process.exit(2);
}
const badIds = positionals.filter((id) => !UUID.test(id));
if ((positionals.length === 0 && recent === undefined) || badIds.length > 0) {
  console.error(
    badIds.length > 0
      ? `not a user id (UUID): ${badIds.join(', ')}`
      : 'usage: npm run query -- <user id> [...]   |   npm run query -- --recent N',
  );
  process.exit(2);
}

const settings = readLocalServicesSettings();
const pool = new pg.Pool({ ...settings.postgres, max: 1 });
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
    console.log(`user ${id}`);
    console.log(`  postgres users:          ${row ? JSON.stringify(row) : '(none)'}`);
    console.log(
      `  cassandra created_users: ${wide ? JSON.stringify(Object.fromEntries(wide.keys().map((k) => [k, wide.get(k)]))) : '(none)'}`,
    );
    for (const d of dead.rows) console.log(`  dead letter:             ${JSON.stringify(d)}`);
  }
} finally {
  await pool.end();
  await cassandra.shutdown();
}
