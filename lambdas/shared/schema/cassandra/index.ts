export {
  type ApplyCassandraSchemaOptions,
  applyCassandraSchema,
  type CassandraSchemaClient,
  renderAddColumnsCql,
} from './apply-cassandra-schema.js';
export * from './tables.js';
export * from './users-by-signup-day-key.js';
