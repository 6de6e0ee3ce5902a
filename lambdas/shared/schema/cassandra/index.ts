export {
  type ApplyCassandraSchemaOptions,
  applyCassandraSchema,
  type CassandraSchemaClient,
} from './apply-cassandra-schema.js';
export * from './day-table-layout.js';
export * from './keyspace-tables.js';
export * from './tables.js';
export * from './users-by-signup-day-key.js';
