/**
 * Schema v2 on the real local servers: the migrated PostgreSQL `users` table equals the field registry column by
 * column, migration 0005 does not rewrite the table, and the Cassandra applier brings a v1 table up to v2.
 */
import { describe, expect, it } from 'vitest';
import {
  LINEAGE_COLUMNS,
  type LineageColumn,
  postgresColumnOf,
  USER_FIELDS,
  type UserField,
} from '../../../lambdas/shared/contract/fields.js';
import {
  applyCassandraSchema,
  CASSANDRA_TABLES,
  KEYSPACE_TABLES,
  renderCreateTableCql,
  type TableDefinition,
} from '../../../lambdas/shared/schema/cassandra/index.js';
import { MIGRATIONS, runMigrations } from '../../../lambdas/shared/schema/postgres/index.js';
import { throwawayKeyspace, throwawaySchema } from '../../support/local-services.js';

/** information_schema's name of each type the registry uses. */
const PG_TYPE_NAME: Readonly<Record<string, string>> = {
  uuid: 'uuid',
  text: 'text',
  timestamptz: 'timestamp with time zone',
  integer: 'integer',
  bigint: 'bigint',
};
/** Columns the database maintains itself, not the registry. */
const DATABASE_MANAGED = ['created_at', 'updated_at'];

/** What the registry says `users` must look like: name → [type, NOT NULL]. */
function expectedUsersColumns(): Record<string, [string, boolean]> {
  const columns: Record<string, [string, boolean]> = {};
  for (const field of USER_FIELDS as readonly UserField[]) {
    // A field a later version added is nullable: rows of older events have no value for it.
    columns[postgresColumnOf(field)] = [
      PG_TYPE_NAME[field.postgres.type] as string,
      field.required && field.since === 1,
    ];
  }
  for (const column of LINEAGE_COLUMNS as readonly LineageColumn[]) {
    columns[column.name] = [PG_TYPE_NAME[column.postgres.type] as string, column.postgres.notNull];
  }
  return columns;
}

describe('PostgreSQL: every migration applied to a fresh schema gives the registry’s users table', () => {
  const throwaway = throwawaySchema('evolution_it');
  const schema = throwaway.name;

  it('migrations before 0005, then 0005 without rewriting the table, then the columns equal the registry', async () => {
    const client = await throwaway.session();
    try {
      const before = MIGRATIONS.filter((migration) => migration.version < 5);
      await runMigrations(client, { migrations: before });
      await client.query(
        `INSERT INTO users (user_id, first_name, last_name, gender, address, post_code, email, username, dob,
          registered_date, phone, picture, event_id, schema_version, source, occurred_at, ingested_at)
         VALUES (gen_random_uuid(), 'a', 'b', '', 'x, y', '1', 'a@b.cd', 'u', now(), now(), '1', 'https://x.y',
          gen_random_uuid(), 1, 'test', now(), now())`,
      );
      const fileNode = async () =>
        (await client.query(`SELECT pg_relation_filenode('${schema}.users')::text AS node`)).rows[0].node;
      const nodeBefore = await fileNode();
      const result = await runMigrations(client);
      expect(result.applied.map((migration) => migration.version)).toContain(5);
      // Same file node: ADD COLUMN without a default only changed the catalog; no row was rewritten.
      expect(await fileNode()).toBe(nodeBefore);
      const { rows: old } = await client.query('SELECT nationality FROM users');
      expect(old).toEqual([{ nationality: null }]);

      const { rows } = await client.query(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'users'`,
        [schema],
      );
      const live = Object.fromEntries(
        rows
          .filter((row) => !DATABASE_MANAGED.includes(row.column_name))
          .map((row) => [row.column_name, [row.data_type, row.is_nullable === 'NO']]),
      );
      expect(live).toEqual(expectedUsersColumns());
      expect(
        rows
          .map((row) => row.column_name)
          .filter((name) => DATABASE_MANAGED.includes(name))
          .sort(),
      ).toEqual(DATABASE_MANAGED);
    } finally {
      client.release();
    }
  });
});

describe('Cassandra: the applier adds the columns a newer definition has, idempotently', () => {
  const cassandra = throwawayKeyspace('evolution_it');
  const keyspace = cassandra.name;

  const liveColumns = async (table: string) => {
    const client = cassandra.client();
    const { rows } = await client.execute(
      'SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?',
      [keyspace, table],
      { prepare: true },
    );
    return Object.fromEntries(rows.map((row) => [String(row.column_name), String(row.type)]));
  };

  it('tables created by the v1 definition gain nationality; a second run changes nothing', async () => {
    const client = cassandra.client();
    // The tables as the previous release created them: the same definitions without the v2 column.
    const v1Tables: TableDefinition[] = CASSANDRA_TABLES.map((table) => ({
      ...table,
      columns: table.columns.filter((column) => column.name !== 'nationality'),
    }));
    await applyCassandraSchema(client, { keyspace, tables: v1Tables });
    for (const table of v1Tables) expect(await liveColumns(table.name)).not.toHaveProperty('nationality');

    const first = await applyCassandraSchema(client, { keyspace });
    expect(first.filter((cql) => cql.startsWith('ALTER'))).toEqual(
      CASSANDRA_TABLES.map((table) => `ALTER TABLE ${keyspace}.${table.name} ADD nationality text`),
    );
    for (const table of CASSANDRA_TABLES) {
      expect(await liveColumns(table.name)).toEqual(
        Object.fromEntries(table.columns.map((column) => [column.name, column.type])),
      );
    }
    const second = await applyCassandraSchema(client, { keyspace });
    expect(second.filter((cql) => cql.startsWith('ALTER'))).toEqual([]);
    expect(second.filter((cql) => cql.startsWith('CREATE TABLE'))).toEqual(
      KEYSPACE_TABLES.map((table) => renderCreateTableCql(table, keyspace)),
    );
  });
});
