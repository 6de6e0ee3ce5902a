import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { READER_ROLE, type RoleLogin, WRITER_ROLE } from '../../lambdas/shared/schema/postgres/roles.js';

/** Repository root, derived from this file's location so every entry point agrees on it. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export class InvalidServiceSettingError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`${variable}=${JSON.stringify(value)} is invalid: expected ${expected}`);
    this.name = 'InvalidServiceSettingError';
  }
}

export interface KafkaSettings {
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly heap: string;
  /** Bootstrap list as clients use it (`KAFKA_BROKERS`). */
  readonly brokers: string;
  readonly version: string;
}

export interface CassandraSettings {
  readonly host: string;
  readonly port: number;
  readonly storagePort: number;
  readonly heap: string;
  readonly localDataCenter: string;
  readonly version: string;
}

export interface PostgresSettings {
  readonly host: string;
  readonly port: number;
  /** The administrator: runs the migrations (the master user's part in AWS). */
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /**
   * Logins of the application roles of migration 0006 (processor: pipeline_writer, DAGs: pipeline_reader).
   * The local migration step gives them these passwords, as the migrations custom resource does from their
   * secrets in AWS.
   */
  readonly roleLogins: readonly RoleLogin[];
}

/** Development passwords of the local application roles (`PIPELINE_WRITER_PASSWORD`, `PIPELINE_READER_PASSWORD`). */
function localRoleLogins(env: NodeJS.ProcessEnv): RoleLogin[] {
  return [
    { role: WRITER_ROLE, password: env.PIPELINE_WRITER_PASSWORD || 'pipeline_writer_local' },
    { role: READER_ROLE, password: env.PIPELINE_READER_PASSWORD || 'pipeline_reader_local' },
  ];
}

export interface LocalServicesSettings {
  /** Root of everything the services write: data, logs, pid files (`LOCAL_STATE_DIR`). */
  readonly stateDir: string;
  /** Maven-resolved jars (`LOCAL_JAR_CACHE`); shared across checkouts if pointed elsewhere. */
  readonly jarCacheDir: string;
  readonly kafka: KafkaSettings;
  readonly cassandra: CassandraSettings;
  readonly postgres: PostgresSettings;
}

// Versions are pinned in the Maven projects under local/services/maven; kept here for status output.
export const KAFKA_VERSION = '4.1.2';
export const CASSANDRA_VERSION = '5.0.6';

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new InvalidServiceSettingError(name, raw, 'a TCP port between 1 and 65535');
  }
  return value;
}

function heap(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+[mMgG]$/.test(raw))
    throw new InvalidServiceSettingError(name, raw, 'a JVM size such as 512m or 1g');
  return raw;
}

function firstHostPort(env: NodeJS.ProcessEnv): { host: string; port: number } {
  const raw = env.KAFKA_BROKERS;
  if (raw === undefined || raw === '') return { host: '127.0.0.1', port: 9092 };
  const first = raw.split(',')[0]?.trim() ?? '';
  const match = /^([^:]+):(\d+)$/.exec(first);
  if (!match?.[1] || !match[2])
    throw new InvalidServiceSettingError('KAFKA_BROKERS', raw, 'host:port[,host:port]');
  return { host: match[1], port: port({ KAFKA_PORT: match[2] }, 'KAFKA_PORT', 9092) };
}

/**
 * Reads the local services' settings from the conventional variables, the same ones the pipeline's
 * code reads locally, so `eval "$(npm run -s services -- env)"` points any client at them.
 */
export function readLocalServicesSettings(env: NodeJS.ProcessEnv = process.env): LocalServicesSettings {
  const stateDir = resolve(env.LOCAL_STATE_DIR || join(repoRoot, '.local'));
  const kafka = firstHostPort(env);
  const cassandraHost = (env.CASSANDRA_CONTACT_POINTS || '127.0.0.1').split(',')[0]?.trim() || '127.0.0.1';
  return {
    stateDir,
    jarCacheDir: resolve(env.LOCAL_JAR_CACHE || join(repoRoot, '.cache', 'jars')),
    kafka: {
      ...kafka,
      controllerPort: port(env, 'KAFKA_CONTROLLER_PORT', kafka.port + 1),
      heap: heap(env, 'KAFKA_HEAP', '512m'),
      brokers: `${kafka.host}:${kafka.port}`,
      version: KAFKA_VERSION,
    },
    cassandra: {
      host: cassandraHost,
      port: port(env, 'CASSANDRA_PORT', 9042),
      storagePort: port(env, 'CASSANDRA_STORAGE_PORT', 7000),
      heap: heap(env, 'CASSANDRA_HEAP', '1g'),
      localDataCenter: env.CASSANDRA_LOCAL_DC || 'datacenter1',
      version: CASSANDRA_VERSION,
    },
    postgres: {
      host: env.PGHOST || '127.0.0.1',
      port: port(env, 'PGPORT', 5432),
      user: env.PGUSER || 'postgres',
      password: env.PGPASSWORD || 'postgres',
      database: env.PGDATABASE || 'pipeline',
      roleLogins: localRoleLogins(env),
    },
  };
}

/** Every connection variable, as the pipeline's code and the clients read them. */
export function connectionEnvironment(settings: LocalServicesSettings): Record<string, string> {
  const { kafka, cassandra, postgres } = settings;
  const vars: Record<string, string | number> = {
    KAFKA_BROKERS: kafka.brokers,
    CASSANDRA_CONTACT_POINTS: cassandra.host,
    CASSANDRA_PORT: cassandra.port,
    CASSANDRA_LOCAL_DC: cassandra.localDataCenter,
    PGHOST: postgres.host,
    PGPORT: postgres.port,
    PGUSER: postgres.user,
    PGPASSWORD: postgres.password,
    PGDATABASE: postgres.database,
  };
  return Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, String(value)]));
}

/** The `export` lines `npm run services -- env` prints. */
export function connectionExports(settings: LocalServicesSettings): string[] {
  return Object.entries(connectionEnvironment(settings)).map(
    ([name, value]) => `export ${name}=${shellQuote(value)}`,
  );
}

/** Fills in the connection variables a caller has not set itself (explicit settings win). */
export function applyConnectionEnvironment(
  settings: LocalServicesSettings,
  env: NodeJS.ProcessEnv = process.env,
): void {
  for (const [name, value] of Object.entries(connectionEnvironment(settings))) env[name] ??= value;
}

function shellQuote(value: string): string {
  return /^[\w.,:/@-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

export const isRoot = (): boolean => userInfo().uid === 0;
