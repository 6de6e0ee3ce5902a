/**
 * How the DAG-test helpers (apply-schemas.ts, process-topic.ts) reach the local stores: the settings of
 * `npm run services -- env` (the same variables, the same defaults), each helper with the login of the part it
 * plays: apply-schemas.ts is the migrations step (administrator), process-topic.ts is the processor
 * (pipeline_writer).
 */
import { Client as CassandraClient } from 'cassandra-driver';
import type pg from 'pg';
import { WRITER_ROLE } from '../../lambdas/shared/schema/postgres/roles.js';
import {
  adminConnection,
  type LocalServicesSettings,
  readLocalServicesSettings,
  roleConnection,
} from '../services/config.js';

const settings: LocalServicesSettings = readLocalServicesSettings();

/** The administrator: runs the migrations, as the migrations custom resource does with the master user. */
export function migrationsPostgresSettings(): pg.ClientConfig {
  return adminConnection(settings);
}

/** The processor's login (pipeline_writer), with search_path set to the DAG test's schema. */
export function processorPostgresSettings(schema: string): pg.ClientConfig {
  return { ...roleConnection(settings, WRITER_ROLE), options: `-c search_path=${schema}` };
}

/** The application roles' local logins, which the migrations step enables. */
export const roleLogins = settings.postgres.roleLogins;

/** A (not yet connected) Cassandra client for the local node. */
export function localCassandraClient(): CassandraClient {
  return new CassandraClient({
    contactPoints: [settings.cassandra.host],
    protocolOptions: { port: settings.cassandra.port },
    localDataCenter: settings.cassandra.localDataCenter,
  });
}
