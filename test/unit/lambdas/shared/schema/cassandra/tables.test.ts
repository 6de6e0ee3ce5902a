import { randomUUID } from 'node:crypto';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnTable, type CfnTableProps } from 'aws-cdk-lib/aws-cassandra';
import { describe, expect, it } from 'vitest';
import { USER_FIELDS } from '../../../../../../lambdas/shared/contract/index.js';
import {
  applyCassandraSchema,
  assertValidTableDefinition,
  CASSANDRA_TABLES,
  type CassandraSchemaClient,
  CREATED_USERS_TABLE,
  cassandraTablesOf,
  countryOf,
  DEFAULT_KEYSPACE,
  dayTablePartitions,
  dayTableReads,
  dayTableReadsJson,
  InvalidCassandraSchemaError,
  KEYSPACE_TABLES,
  type KeyspacesTableSchemaDefinition,
  keyspaceTables,
  LEGACY_USERS_BY_SIGNUP_DAY_TABLE,
  MAX_SIGNUP_DAY_BUCKETS,
  readSignupDayLayout,
  renderCreateKeyspaceCql,
  renderCreateTableCql,
  SIGNUP_INSTANT_FIELD,
  signupDayBucketOf,
  signupDayEnvironment,
  signupDayOf,
  type TableDefinition,
  toKeyspacesTableSchemaDefinition,
  UNKNOWN_COUNTRY,
  USERS_BY_SIGNUP_DAY_TABLE,
  usersBySignupDayKey,
  usersBySignupDayPartition,
} from '../../../../../../lambdas/shared/schema/cassandra/index.js';

/** The comparable essence of a table, whichever representation it was read from. */
interface TableShape {
  name: string;
  columns: Record<string, string>;
  partitionKey: string[];
  clusteringKey: Array<{ name: string; order: string }>;
  defaultTtlSeconds: number | undefined;
}

/** Reads a CREATE TABLE statement back (only the grammar the renderer emits, checked strictly). */
function shapeFromCql(cql: string): TableShape {
  const match =
    /^CREATE TABLE IF NOT EXISTS (\w+)\.(\w+) \(\n([\s\S]*)\n {2}PRIMARY KEY \((.*)\)\n\)(?: WITH (.*))?$/.exec(
      cql,
    );
  if (!match?.[2] || match[3] === undefined || !match[4]) throw new Error(`unexpected CQL:\n${cql}`);
  const columns: Record<string, string> = {};
  for (const line of match[3].split('\n')) {
    const column = /^ {2}(\w+) (\w+),$/.exec(line);
    if (!column?.[1] || !column[2]) throw new Error(`unexpected column line ${JSON.stringify(line)}`);
    columns[column[1]] = column[2];
  }
  const primaryKey = /^(?:\(([^)]*)\)|(\w+))(?:, (.*))?$/.exec(match[4]);
  if (!primaryKey) throw new Error(`unexpected primary key ${match[4]}`);
  const partitionKey = (primaryKey[1] ?? primaryKey[2] ?? '').split(', ');
  const clusteringNames = primaryKey[3] ? primaryKey[3].split(', ') : [];
  const orders = new Map<string, string>();
  const ordering = /CLUSTERING ORDER BY \(([^)]*)\)/.exec(match[5] ?? '');
  const ttl = /default_time_to_live = (\d+)/.exec(match[5] ?? '');
  for (const entry of ordering?.[1]?.split(', ') ?? []) {
    const [name, order] = entry.split(' ');
    if (name && order) orders.set(name, order);
  }
  return {
    name: match[2],
    columns,
    partitionKey,
    clusteringKey: clusteringNames.map((name) => ({ name, order: orders.get(name) ?? 'ASC' })),
    defaultTtlSeconds: ttl?.[1] === undefined ? undefined : Number(ttl[1]),
  };
}

function shapeFromKeyspaces(definition: KeyspacesTableSchemaDefinition): TableShape {
  const columns: Record<string, string> = {};
  const all = [
    ...definition.partitionKeyColumns,
    ...(definition.clusteringKeyColumns ?? []).map((clustering) => clustering.column),
    ...definition.regularColumns,
  ];
  for (const column of all) {
    expect(columns[column.columnName], `${column.columnName} listed twice`).toBeUndefined();
    columns[column.columnName] = column.columnType;
  }
  return {
    name: definition.tableName,
    columns,
    partitionKey: definition.partitionKeyColumns.map((column) => column.columnName),
    clusteringKey: (definition.clusteringKeyColumns ?? []).map((clustering) => ({
      name: clustering.column.columnName,
      order: clustering.orderBy,
    })),
    defaultTtlSeconds: definition.defaultTimeToLive,
  };
}

function shapeFromDefinition(table: TableDefinition): TableShape {
  return {
    name: table.name,
    columns: Object.fromEntries(table.columns.map((column) => [column.name, column.type])),
    partitionKey: [...table.partitionKey],
    clusteringKey: table.clusteringKey.map((column) => ({ ...column })),
    defaultTtlSeconds: table.defaultTtlSeconds,
  };
}

/** Scalar types Amazon Keyspaces documents as supported. */
const KEYSPACES_SUPPORTED_TYPES = new Set([
  'ascii',
  'bigint',
  'blob',
  'boolean',
  'date',
  'decimal',
  'double',
  'float',
  'inet',
  'int',
  'smallint',
  'text',
  'time',
  'timestamp',
  'timeuuid',
  'tinyint',
  'uuid',
  'varchar',
  'varint',
]);

/** Exercises what the real tables do not: descending order, several clustering columns, a TTL. */
const SYNTHETIC_TABLE: TableDefinition = {
  name: 'events_by_hour',
  columns: [
    { name: 'hour', type: 'timestamp' },
    { name: 'occurred_at', type: 'timestamp' },
    { name: 'event_id', type: 'timeuuid' },
    { name: 'score', type: 'double' },
    { name: 'payload', type: 'blob' },
  ],
  partitionKey: ['hour'],
  clusteringKey: [
    { name: 'occurred_at', order: 'DESC' },
    { name: 'event_id', order: 'ASC' },
  ],
  defaultTtlSeconds: 3600,
};

describe('Cassandra table definitions', () => {
  it.each(
    [...CASSANDRA_TABLES, LEGACY_USERS_BY_SIGNUP_DAY_TABLE].map((table) => [table.name, table] as const),
  )('%s is consistent', (_name, table) => {
    expect(() => assertValidTableDefinition(table)).not.toThrow();
    for (const column of table.columns) expect(KEYSPACES_SUPPORTED_TYPES).toContain(column.type);
  });

  it('created_users is tutorial-compatible: id uuid primary key and every payload field as a column', () => {
    const shape = shapeFromDefinition(CREATED_USERS_TABLE);
    expect(shape.partitionKey).toEqual(['id']);
    expect(shape.clusteringKey).toEqual([]);
    for (const field of USER_FIELDS) expect(shape.columns).toHaveProperty(field.name);
    expect(shape.columns).toMatchObject({
      id: 'uuid',
      first_name: 'text',
      post_code: 'text',
      dob: 'timestamp',
      registered_date: 'timestamp',
      picture: 'text',
      event_id: 'uuid',
      occurred_at: 'timestamp',
      ingested_at: 'timestamp',
    });
  });

  it('the day table partitions by (signup_day, country, bucket) and clusters by registered_date, id', () => {
    const shape = shapeFromDefinition(USERS_BY_SIGNUP_DAY_TABLE);
    expect(shape.name).toBe('users_by_signup_day_bucketed');
    expect(shape.partitionKey).toEqual(['signup_day', 'country', 'bucket']);
    expect(shape.clusteringKey).toEqual([
      { name: 'registered_date', order: 'ASC' },
      { name: 'id', order: 'ASC' },
    ]);
    expect(shape.columns).toMatchObject({ signup_day: 'date', country: 'text', bucket: 'int' });
  });

  it('the legacy day table is exactly what stages deployed before the bucket (CloudFormation keeps it as is)', () => {
    // Written out by hand from the definition those stages synthesized: any change here would replace the
    // live table during an upgrade.
    expect(toKeyspacesTableSchemaDefinition(LEGACY_USERS_BY_SIGNUP_DAY_TABLE)).toEqual({
      tableName: 'users_by_signup_day',
      partitionKeyColumns: [
        { columnName: 'signup_day', columnType: 'date' },
        { columnName: 'country', columnType: 'text' },
      ],
      clusteringKeyColumns: [
        { column: { columnName: 'registered_date', columnType: 'timestamp' }, orderBy: 'ASC' },
        { column: { columnName: 'id', columnType: 'uuid' }, orderBy: 'ASC' },
      ],
      regularColumns: [
        { columnName: 'first_name', columnType: 'text' },
        { columnName: 'last_name', columnType: 'text' },
        { columnName: 'gender', columnType: 'text' },
        { columnName: 'email', columnType: 'text' },
        { columnName: 'username', columnType: 'text' },
        { columnName: 'event_id', columnType: 'uuid' },
        { columnName: 'ingested_at', columnType: 'timestamp' },
        { columnName: 'nationality', columnType: 'text' },
      ],
    });
    const bucketed = shapeFromDefinition(USERS_BY_SIGNUP_DAY_TABLE);
    const { bucket: _bucket, ...columns } = bucketed.columns;
    expect(shapeFromDefinition(LEGACY_USERS_BY_SIGNUP_DAY_TABLE).columns).toEqual(columns);
  });

  it.each([
    ['a missing key column', { ...CREATED_USERS_TABLE, partitionKey: ['nope'] }],
    ['no partition key', { ...CREATED_USERS_TABLE, partitionKey: [] }],
    [
      'a duplicated column',
      { ...CREATED_USERS_TABLE, columns: [...CREATED_USERS_TABLE.columns, { name: 'id', type: 'uuid' }] },
    ],
    ['an upper-case name', { ...CREATED_USERS_TABLE, name: 'CreatedUsers' }],
    ['a TTL above 20 years', { ...CREATED_USERS_TABLE, defaultTtlSeconds: 630_720_001 }],
    [
      'a key column used twice',
      { ...USERS_BY_SIGNUP_DAY_TABLE, clusteringKey: [{ name: 'country', order: 'ASC' as const }] },
    ],
    [
      'a bucket used as a clustering column too',
      { ...USERS_BY_SIGNUP_DAY_TABLE, clusteringKey: [{ name: 'bucket', order: 'ASC' as const }] },
    ],
  ])('rejects %s', (_label, table) => {
    expect(() => assertValidTableDefinition(table as TableDefinition)).toThrow(InvalidCassandraSchemaError);
  });
});

describe('rendered CQL', () => {
  it.each(
    [...CASSANDRA_TABLES, LEGACY_USERS_BY_SIGNUP_DAY_TABLE, SYNTHETIC_TABLE].map(
      (table) => [table.name, table] as const,
    ),
  )('%s: CQL has exactly the columns and keys of the definition', (_name, table) => {
    const cql = renderCreateTableCql(table, 'pipeline');
    expect(cql.startsWith(`CREATE TABLE IF NOT EXISTS pipeline.${table.name} (`)).toBe(true);
    expect(shapeFromCql(cql)).toEqual(shapeFromDefinition(table));
  });

  it('renders the expected statement for created_users', () => {
    const cql = renderCreateTableCql(CREATED_USERS_TABLE);
    expect(cql).toContain('  id uuid,\n');
    expect(cql).toContain('  dob timestamp,\n');
    expect(cql).toMatch(/ {2}PRIMARY KEY \(id\)\n\)$/);
    expect(cql).not.toContain('CLUSTERING');
  });

  it('renders a composite partition key and clustering order', () => {
    const cql = renderCreateTableCql(USERS_BY_SIGNUP_DAY_TABLE, 'analytics');
    expect(cql).toContain('PRIMARY KEY ((signup_day, country, bucket), registered_date, id)');
    expect(cql).toMatch(/WITH CLUSTERING ORDER BY \(registered_date ASC, id ASC\)$/);
  });

  it('renders a default TTL when a table has one', () => {
    const cql = renderCreateTableCql({ ...USERS_BY_SIGNUP_DAY_TABLE, defaultTtlSeconds: 86_400 });
    expect(cql).toMatch(/WITH CLUSTERING ORDER BY \(.*\) AND default_time_to_live = 86400$/);
  });

  it('renders the keyspace with the requested replication', () => {
    expect(renderCreateKeyspaceCql()).toBe(
      `CREATE KEYSPACE IF NOT EXISTS ${DEFAULT_KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    expect(
      renderCreateKeyspaceCql('analytics', {
        class: 'NetworkTopologyStrategy',
        dataCenters: { dc1: 3, 'eu-west-1': 2 },
      }),
    ).toBe(
      "CREATE KEYSPACE IF NOT EXISTS analytics WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3, 'eu-west-1': 2}",
    );
  });

  it.each(['pipeline; DROP KEYSPACE x', 'Pipeline', 'p', '"quoted"', 'a'.repeat(49), ''])(
    'refuses keyspace name %j',
    (keyspace) => {
      expect(() => renderCreateKeyspaceCql(keyspace)).toThrow(InvalidCassandraSchemaError);
      expect(() => renderCreateTableCql(CREATED_USERS_TABLE, keyspace)).toThrow(InvalidCassandraSchemaError);
    },
  );

  it('refuses bad replication settings', () => {
    expect(() =>
      renderCreateKeyspaceCql('pipeline', { class: 'SimpleStrategy', replicationFactor: 0 }),
    ).toThrow(InvalidCassandraSchemaError);
    expect(() =>
      renderCreateKeyspaceCql('pipeline', { class: 'NetworkTopologyStrategy', dataCenters: { "dc'": 1 } }),
    ).toThrow(InvalidCassandraSchemaError);
    expect(() =>
      renderCreateKeyspaceCql('pipeline', { class: 'NetworkTopologyStrategy', dataCenters: {} }),
    ).toThrow(InvalidCassandraSchemaError);
  });
});

describe('Keyspaces (CloudFormation) properties', () => {
  it.each(
    [...CASSANDRA_TABLES, LEGACY_USERS_BY_SIGNUP_DAY_TABLE, SYNTHETIC_TABLE].map(
      (table) => [table.name, table] as const,
    ),
  )('%s: the Keyspaces properties and the CQL describe the same table', (_name, table) => {
    const fromKeyspaces = shapeFromKeyspaces(toKeyspacesTableSchemaDefinition(table));
    const fromCql = shapeFromCql(renderCreateTableCql(table));
    expect(fromKeyspaces).toEqual(fromCql);
    expect(fromKeyspaces).toEqual(shapeFromDefinition(table));
  });

  it('omits clusteringKeyColumns for a table without clustering columns', () => {
    const definition = toKeyspacesTableSchemaDefinition(CREATED_USERS_TABLE);
    expect(definition).not.toHaveProperty('clusteringKeyColumns');
    expect(definition.partitionKeyColumns).toEqual([{ columnName: 'id', columnType: 'uuid' }]);
    expect(definition.regularColumns).toHaveLength(CREATED_USERS_TABLE.columns.length - 1);
  });

  it('maps defaultTtlSeconds to defaultTimeToLive', () => {
    expect(
      toKeyspacesTableSchemaDefinition({ ...CREATED_USERS_TABLE, defaultTtlSeconds: 60 }).defaultTimeToLive,
    ).toBe(60);
  });

  it('spreads into aws-cdk-lib CfnTable and synthesises the matching AWS::Cassandra::Table', () => {
    const stack = new Stack(new App(), 'SchemaTest');
    for (const table of CASSANDRA_TABLES) {
      const props: CfnTableProps = { keyspaceName: 'pipeline', ...toKeyspacesTableSchemaDefinition(table) };
      new CfnTable(stack, table.name, props);
    }
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Cassandra::Table', CASSANDRA_TABLES.length);
    template.hasResourceProperties('AWS::Cassandra::Table', {
      TableName: 'users_by_signup_day_bucketed',
      KeyspaceName: 'pipeline',
      PartitionKeyColumns: [
        { ColumnName: 'signup_day', ColumnType: 'date' },
        { ColumnName: 'country', ColumnType: 'text' },
        { ColumnName: 'bucket', ColumnType: 'int' },
      ],
      ClusteringKeyColumns: [
        { Column: { ColumnName: 'registered_date', ColumnType: 'timestamp' }, OrderBy: 'ASC' },
        { Column: { ColumnName: 'id', ColumnType: 'uuid' }, OrderBy: 'ASC' },
      ],
    });
    template.hasResourceProperties('AWS::Cassandra::Table', {
      TableName: 'created_users',
      PartitionKeyColumns: [{ ColumnName: 'id', ColumnType: 'uuid' }],
    });
  });
});

describe('applyCassandraSchema', () => {
  /**
   * A client whose live tables have `live` columns (all of the definition by default) and `ttl` seconds of
   * default TTL (0 by default); DDL is recorded.
   */
  function liveSchema(
    live: (table: string) => readonly string[] = (table) => columnsOfTable(table),
    ttl: (table: string) => number = () => 0,
  ) {
    const executed: string[] = [];
    const client: CassandraSchemaClient = {
      execute: async (query, params) => {
        if (query.startsWith('SELECT column_name FROM system_schema.columns')) {
          const table = String(params?.[1]);
          return { rows: live(table).map((name) => ({ get: () => name })) };
        }
        if (query.startsWith('SELECT default_time_to_live FROM system_schema.tables')) {
          return { rows: [{ get: () => ttl(String(params?.[1])) }] };
        }
        executed.push(query);
        return undefined;
      },
    };
    return { client, executed };
  }
  const columnsOfTable = (name: string) =>
    KEYSPACE_TABLES.find((t) => t.name === name)?.columns.map((c) => c.name) ?? [];

  it('creates the keyspace first, then every table, one statement at a time', async () => {
    const { client, executed } = liveSchema();
    const statements = await applyCassandraSchema(client, { keyspace: 'it_keyspace' });
    expect(executed).toEqual(statements);
    expect(executed[0]).toMatch(/^CREATE KEYSPACE IF NOT EXISTS it_keyspace /);
    expect(executed.slice(1).map((cql) => shapeFromCql(cql).name)).toEqual([
      ...CASSANDRA_TABLES.map((t) => t.name),
      'user_tombstones',
    ]);
    for (const cql of executed.slice(1)) expect(cql).toContain('IF NOT EXISTS it_keyspace.');
  });

  it('adds the columns a table created by an older definition lacks (v1 tables get nationality), once', async () => {
    const { client, executed } = liveSchema((table) =>
      columnsOfTable(table).filter((c) => c !== 'nationality'),
    );
    await applyCassandraSchema(client, { keyspace: 'ks' });
    expect(executed.filter((cql) => cql.startsWith('ALTER'))).toEqual([
      'ALTER TABLE ks.created_users ADD nationality text',
      'ALTER TABLE ks.users_by_signup_day_bucketed ADD nationality text',
    ]);
    const again = liveSchema();
    await applyCassandraSchema(again.client, { keyspace: 'ks' });
    expect(again.executed.filter((cql) => cql.startsWith('ALTER'))).toEqual([]);
  });

  it("sets the stage's default TTL on the user tables only, and changes it when the stage's changes", async () => {
    const tables = keyspaceTables({ userRowsTtlSeconds: 2_592_000 });
    const fresh = liveSchema();
    await applyCassandraSchema(fresh.client, { keyspace: 'ks', tables });
    expect(fresh.executed.filter((cql) => cql.startsWith('CREATE TABLE')).map(shapeFromCql)).toMatchObject([
      { name: 'created_users', defaultTtlSeconds: 2_592_000 },
      { name: 'users_by_signup_day_bucketed', defaultTtlSeconds: 2_592_000 },
      { name: 'user_tombstones', defaultTtlSeconds: undefined },
    ]);
    // Existing tables created without TTL: altered to the stage's, the tombstones left alone.
    expect(fresh.executed.filter((cql) => cql.startsWith('ALTER'))).toEqual([
      'ALTER TABLE ks.created_users WITH default_time_to_live = 2592000',
      'ALTER TABLE ks.users_by_signup_day_bucketed WITH default_time_to_live = 2592000',
    ]);
    const turnedOff = liveSchema(undefined, (table) => (table === 'user_tombstones' ? 0 : 2_592_000));
    await applyCassandraSchema(turnedOff.client, { keyspace: 'ks' });
    expect(turnedOff.executed.filter((cql) => cql.startsWith('ALTER'))).toEqual([
      'ALTER TABLE ks.created_users WITH default_time_to_live = 0',
      'ALTER TABLE ks.users_by_signup_day_bucketed WITH default_time_to_live = 0',
    ]);
  });

  it('stops at the first failing statement', async () => {
    const client: CassandraSchemaClient = {
      execute: async (query) => {
        if (query.startsWith('CREATE KEYSPACE')) throw new Error('unavailable');
      },
    };
    await expect(applyCassandraSchema(client)).rejects.toThrow('unavailable');
  });
});

describe('users_by_signup_day key derivation', () => {
  it('uses the UTC day of registered_date', () => {
    expect(signupDayOf('2009-12-17T06:21:19.520Z')).toBe('2009-12-17');
    expect(signupDayOf('2009-12-17T23:30:00-05:00')).toBe('2009-12-18');
    expect(signupDayOf('2009-12-18T01:00:00+02:00')).toBe('2009-12-17');
    expect(() => signupDayOf('not a date')).toThrow(RangeError);
  });

  it("gives the processor the same UTC day as days since the epoch (a CQL date's encoding)", () => {
    const partitionOf = (registered_date: string) =>
      usersBySignupDayPartition({ id: 'x', address: 'a, b', registered_date }, 4).signupEpochDay;
    const epochDayOf = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;
    for (const instant of [
      '2009-12-17T06:21:19.520Z',
      '2009-12-17T23:30:00-05:00',
      '2009-12-18T01:00:00+02:00',
      '1969-12-31T23:59:59.999Z',
      '1901-02-03T04:05:06Z',
    ]) {
      expect(partitionOf(instant)).toBe(epochDayOf(signupDayOf(instant)));
    }
    expect(partitionOf('1970-01-01T00:00:00Z')).toBe(0);
    expect(partitionOf('1969-12-31T23:59:59.999Z')).toBe(-1);
    expect(() => partitionOf('not a date')).toThrow(RangeError);
  });

  it('takes the country from the last part of the tutorial address format', () => {
    expect(countryOf('6524 Grafton Street, Ballina, Laois, Ireland')).toBe('Ireland');
    expect(countryOf('12 Straße des 17. Juni, Berlin, Berlin,  Deutschland ')).toBe('Deutschland');
    expect(countryOf('no commas at all')).toBe(UNKNOWN_COUNTRY);
    expect(countryOf('street, ')).toBe(UNKNOWN_COUNTRY);
    expect(countryOf(', Chile')).toBe('Chile');
    expect(countryOf(`street, ${'x'.repeat(101)}`)).toBe(UNKNOWN_COUNTRY);
  });

  it('maps the same payload to the same key, whatever the zone notation of registered_date', () => {
    const payload = {
      id: '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f',
      address: '6524 Grafton Street, Ballina, Laois, Ireland',
      registered_date: '2009-12-17T06:21:19.520Z',
    };
    const key = usersBySignupDayKey(payload, 16);
    expect(key).toEqual({
      signup_day: '2009-12-17',
      country: 'Ireland',
      bucket: 5,
      signupInstant: new Date('2009-12-17T06:21:19.520Z'),
      id: payload.id,
    });
    expect(usersBySignupDayKey({ ...payload, registered_date: '2009-12-17T08:21:19.520+02:00' }, 16)).toEqual(
      key,
    );
    // Every key column of the table is produced (the signup instant under its own name), and nothing else.
    expect(Object.keys(key).sort()).toEqual(
      [
        ...USERS_BY_SIGNUP_DAY_TABLE.partitionKey,
        ...USERS_BY_SIGNUP_DAY_TABLE.clusteringKey.map((c) =>
          c.name === SIGNUP_INSTANT_FIELD ? 'signupInstant' : c.name,
        ),
      ].sort(),
    );
  });
});

describe('the day table bucket', () => {
  /**
   * Version-4 UUIDs as the producers mint them, from a seeded generator (mulberry32), so the figures below are
   * the same on every run.
   */
  const randomIds = (count: number, seed = 21) => {
    let state = seed;
    const next = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0).toString(16).padStart(8, '0');
    };
    return Array.from({ length: count }, () => {
      const hex = next() + next() + next() + next();
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    });
  };
  /**
   * Version-1-like UUIDs of one producer: a time field counting up, the same clock sequence and node. Most of
   * the text is shared, which a weak hash would map to few buckets.
   */
  const timeBasedIds = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const time = (0x1ee_0000_0000 + i * 10_000).toString(16).padStart(15, '0');
      return `${time.slice(7)}-${time.slice(3, 7)}-1${time.slice(0, 3)}-9f3a-0242ac130003`;
    });

  /** Pearson's chi-square statistic of the bucket counts against an even spread. */
  function chiSquare(ids: readonly string[], buckets: number): { statistic: number; counts: number[] } {
    const counts = new Array<number>(buckets).fill(0);
    for (const id of ids)
      counts[signupDayBucketOf(id, buckets)] = (counts[signupDayBucketOf(id, buckets)] ?? 0) + 1;
    const expected = ids.length / buckets;
    return { statistic: counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0), counts };
  }

  it('matches an independent implementation (FNV-1a 32 + MurmurHash3 fmix32), pinned values', () => {
    // Computed with a separate Python implementation of the same definition.
    expect(signupDayBucketOf('3f0c2a9e-7b1d-4c5e-9a8f-2d6b4e1c0a57', 1024)).toBe(16);
    expect(signupDayBucketOf('5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f', 16)).toBe(5);
    expect(signupDayBucketOf('5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f', 7)).toBe(4);
    expect(signupDayBucketOf('00000000-0000-0000-0000-000000000000', 1024)).toBe(408);
    expect(signupDayBucketOf('ffffffff-ffff-ffff-ffff-ffffffffffff', 1024)).toBe(209);
  });

  it('is the same for an id in upper or lower case, and 0 with one bucket', () => {
    for (const id of [...randomIds(100), ...Array.from({ length: 100 }, () => randomUUID())]) {
      expect(signupDayBucketOf(id.toUpperCase(), 16)).toBe(signupDayBucketOf(id, 16));
      expect(signupDayBucketOf(id, 1)).toBe(0);
    }
  });

  // Chi-square critical values at p = 0.001 (degrees of freedom = buckets - 1): a fair spread fails once in
  // a thousand runs. 15 df: 37.70; 3 df: 16.27; 63 df: 103.4.
  it.each([
    ['random ids, 16 buckets', () => randomIds(160_000), 16, 37.7],
    ['random ids, 4 buckets', () => randomIds(40_000), 4, 16.27],
    ['time-based ids of one producer, 16 buckets', () => timeBasedIds(160_000), 16, 37.7],
    ['time-based ids of one producer, 64 buckets', () => timeBasedIds(64_000), 64, 103.4],
  ] as const)(
    'spreads %s evenly (chi-square below the p = 0.001 critical value)',
    (_label, ids, buckets, critical) => {
      const { statistic, counts } = chiSquare(ids(), buckets);
      expect(counts.every((n) => n > 0)).toBe(true);
      expect(statistic, `counts ${counts.join(', ')}`).toBeLessThan(critical);
    },
  );

  it('refuses a bucket count outside 1..MAX_SIGNUP_DAY_BUCKETS in the layout variables', () => {
    const env = (buckets: string) => ({ SIGNUP_DAY_BUCKETS: buckets });
    expect(readSignupDayLayout(env('16'))).toEqual({ buckets: 16, legacyTable: 'none' });
    expect(readSignupDayLayout({ ...env('4'), SIGNUP_DAY_LEGACY_TABLE: 'dual-write' })).toEqual({
      buckets: 4,
      legacyTable: 'dual-write',
    });
    for (const bad of ['0', String(MAX_SIGNUP_DAY_BUCKETS + 1), '2.5', 'many'])
      expect(() => readSignupDayLayout(env(bad))).toThrow(/SIGNUP_DAY_BUCKETS/);
    expect(() => readSignupDayLayout({})).toThrow(/SIGNUP_DAY_BUCKETS/);
    expect(() => readSignupDayLayout({ ...env('4'), SIGNUP_DAY_LEGACY_TABLE: 'both' })).toThrow(
      /SIGNUP_DAY_LEGACY_TABLE/,
    );
    expect(
      readSignupDayLayout(signupDayEnvironment({ buckets: 8, legacyTable: 'readers-switched' })),
    ).toEqual({
      buckets: 8,
      legacyTable: 'readers-switched',
    });
  });
});

describe('the day-table layout of each upgrade phase', () => {
  const names = (tables: readonly TableDefinition[]) => tables.map((t) => t.name);

  it('writes the legacy table only while a stage upgrades, and reads it only before the switch', () => {
    expect(names(cassandraTablesOf({ buckets: 4, legacyTable: 'none' }))).toEqual([
      'created_users',
      'users_by_signup_day_bucketed',
    ]);
    for (const legacyTable of ['dual-write', 'readers-switched'] as const)
      expect(names(cassandraTablesOf({ buckets: 4, legacyTable }))).toEqual([
        'created_users',
        'users_by_signup_day_bucketed',
        'users_by_signup_day',
      ]);
    expect(dayTableReads({ buckets: 4, legacyTable: 'dual-write' })).toEqual({
      table: LEGACY_USERS_BY_SIGNUP_DAY_TABLE,
      buckets: null,
    });
    for (const legacyTable of ['none', 'readers-switched'] as const)
      expect(dayTableReads({ buckets: 4, legacyTable })).toEqual({
        table: USERS_BY_SIGNUP_DAY_TABLE,
        buckets: 4,
      });
  });

  it('reads one (day, country) as one partition per bucket, in partition-key order', () => {
    expect(dayTablePartitions({ table: USERS_BY_SIGNUP_DAY_TABLE, buckets: 3 }, 'd', 'Peru')).toEqual([
      ['d', 'Peru', 0],
      ['d', 'Peru', 1],
      ['d', 'Peru', 2],
    ]);
    expect(
      dayTablePartitions({ table: LEGACY_USERS_BY_SIGNUP_DAY_TABLE, buckets: null }, 'd', 'Peru'),
    ).toEqual([['d', 'Peru']]);
  });

  it("gives the DAGs the table and bucket count as their Variable's JSON", () => {
    expect(JSON.parse(dayTableReadsJson({ buckets: 16, legacyTable: 'none' }))).toEqual({
      table: 'users_by_signup_day_bucketed',
      bucket_count: 16,
    });
    expect(JSON.parse(dayTableReadsJson({ buckets: 16, legacyTable: 'dual-write' }))).toEqual({
      table: 'users_by_signup_day',
      bucket_count: null,
    });
  });
});
