import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type pg from 'pg';
import {
  dayTableReadsJson,
  signupDayEnvironment,
} from '../../lambdas/shared/schema/cassandra/day-table-layout.js';
import {
  type ApplicationRole,
  READER_ROLE,
  type RoleLogin,
  WRITER_ROLE,
} from '../../lambdas/shared/schema/postgres/roles.js';
import { repoRoot } from '../../tools/repo-root.js';
import { ensureLocalApiKey } from '../runtime/api-gateway-access.js';
import { stageSignupDayLayout } from '../runtime/local-mapping.js';

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

/** A PostgreSQL user name and its password. */
export interface PostgresLogin {
  readonly user: string;
  readonly password: string;
}

export interface PostgresSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /**
   * The administrator (`PG_ADMIN_USER`, `PG_ADMIN_PASSWORD`; the local server's superuser): the master
   * user's part in AWS, so it runs the migrations. Besides that, only tools and tests inspecting or cleaning
   * tables (`npm run query`, the console's counts, test assertions) log in with it, never the pipeline's code.
   */
  readonly admin: PostgresLogin;
  /**
   * Logins of the application roles of migration 0006 (processor: pipeline_writer, DAGs: pipeline_reader).
   * The local migration step gives them these passwords, as the migrations custom resource does from their
   * secrets in AWS; the processor and the DAGs log in with them, as in AWS.
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

export class MissingRoleLoginError extends Error {
  constructor(role: string) {
    super(`no local login for the application role ${role}`);
    this.name = 'MissingRoleLoginError';
  }
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
      database: env.PGDATABASE || 'pipeline',
      // Not PGUSER/PGPASSWORD: locally, as in Lambda, those name the login of the code that runs (the
      // processor's role); the administrator is a separate login.
      admin: { user: env.PG_ADMIN_USER || 'postgres', password: env.PG_ADMIN_PASSWORD || 'postgres' },
      roleLogins: localRoleLogins(env),
    },
  };
}

/** The local password of an application role. */
export function roleLogin(settings: LocalServicesSettings, role: ApplicationRole): RoleLogin {
  const login = settings.postgres.roleLogins.find((candidate) => candidate.role === role);
  if (!login) throw new MissingRoleLoginError(role);
  return login;
}

/** node-postgres settings of the administrator: migrations, and tools/tests inspecting tables. */
export function adminConnection(settings: LocalServicesSettings): pg.ClientConfig {
  const { host, port, database, admin } = settings.postgres;
  return { host, port, database, user: admin.user, password: admin.password };
}

/** node-postgres settings of an application role (pipeline_writer, pipeline_reader). */
export function roleConnection(settings: LocalServicesSettings, role: ApplicationRole): pg.ClientConfig {
  const { host, port, database } = settings.postgres;
  return { host, port, database, user: role, password: roleLogin(settings, role).password };
}

/**
 * In-flight Cassandra writes per processor container against the local Cassandra. A client tuning for the store
 * at hand, like the connection settings: one local node on loopback answers in well under a millisecond, and
 * the driver coalesces the requests queued in one tick into one socket write, so more in flight means fewer
 * writes and reads per statement. Measured with `npm run bench -- --only processor,ceiling --events 100000
 * --batch-sizes 1000 --partitions 3` on 2 cores: container CPU 110 → 92 µs/record and 6,685 → 8,054 records/s
 * from 64 to 256; 512 gave no more. In AWS the processor keeps the handler's default (64): Keyspaces serves
 * 3,000 requests/s per connection, which a few dozen writes in flight per connection already reach.
 */
export const LOCAL_CASSANDRA_WRITE_CONCURRENCY = 256;

/**
 * The environment the local runtime gives the Lambda handlers, as CDK gives the functions theirs in AWS: the
 * PG* variables are the processor's (`PGUSER` pipeline_writer, the variable names of
 * RelationalStore.connectionEnvironment), with the role's local password in `PGPASSWORD` where AWS has the
 * role's secret (`PG_SECRET_ARN`). The other handlers read no PG* variable.
 */
export function functionEnvironment(settings: LocalServicesSettings): Record<string, string> {
  const { kafka, cassandra, postgres } = settings;
  const vars: Record<string, string | number> = {
    KAFKA_BROKERS: kafka.brokers,
    CASSANDRA_CONTACT_POINTS: cassandra.host,
    CASSANDRA_PORT: cassandra.port,
    CASSANDRA_LOCAL_DC: cassandra.localDataCenter,
    CASSANDRA_WRITE_CONCURRENCY: LOCAL_CASSANDRA_WRITE_CONCURRENCY,
    PGHOST: postgres.host,
    PGPORT: postgres.port,
    PGDATABASE: postgres.database,
    PGUSER: WRITER_ROLE,
    PGPASSWORD: roleLogin(settings, WRITER_ROLE).password,
    // The day tables of the mirrored stage (`npm start -- --stage` sets another stage's for its handlers).
    ...signupDayEnvironment(stageSignupDayLayout()),
  };
  return Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, String(value)]));
}

/**
 * The PG* login of the verification function, over the functions' environment: the DAGs' read-only role
 * (pipeline_reader), as in AWS where it reads the reader's secret.
 */
export function readerFunctionEnvironment(settings: LocalServicesSettings): Record<string, string> {
  return { PGUSER: READER_ROLE, PGPASSWORD: roleLogin(settings, READER_ROLE).password };
}

/**
 * The PG* variables of the migrations function (the migrations custom resource in AWS, where `PGUSER` is the
 * master user): the administrator. Locally only the migrations step uses them.
 */
export function migrationsFunctionEnvironment(settings: LocalServicesSettings): Record<string, string> {
  const { host, port, database, admin } = settings.postgres;
  return {
    PGHOST: host,
    PGPORT: String(port),
    PGDATABASE: database,
    PGUSER: admin.user,
    PGPASSWORD: admin.password,
  };
}

/**
 * Every connection variable: the functions' environment plus the logins the local tooling needs (the
 * administrator for migrations and inspection, the DAGs' role for the Airflow connection `pipeline_postgres`).
 */
export function connectionEnvironment(settings: LocalServicesSettings): Record<string, string> {
  const { admin } = settings.postgres;
  return {
    ...functionEnvironment(settings),
    PG_ADMIN_USER: admin.user,
    PG_ADMIN_PASSWORD: admin.password,
    PIPELINE_WRITER_PASSWORD: roleLogin(settings, WRITER_ROLE).password,
    PIPELINE_READER_USER: READER_ROLE,
    PIPELINE_READER_PASSWORD: roleLogin(settings, READER_ROLE).password,
    // The day table the DAGs read (an Airflow Variable; MWAA gets it from the stack's secrets backend).
    AIRFLOW_VAR_SIGNUP_DAY_TABLE: dayTableReadsJson(stageSignupDayLayout()),
  };
}

/**
 * The `export` lines `npm run services -- env` prints: the connection variables and API_KEY, the local HTTP
 * API's key (`x-api-key`), generated once per state directory.
 */
export function connectionExports(settings: LocalServicesSettings): string[] {
  const variables = { ...connectionEnvironment(settings), API_KEY: ensureLocalApiKey(settings.stateDir) };
  return Object.entries(variables).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
}

/**
 * The login variables are fixed by the roles, not a choice of the caller: a shell that still exports the
 * administrator as PGUSER must not turn the processor into the administrator.
 */
const ROLE_FIXED_VARIABLES = new Set(['PGUSER', 'PGPASSWORD', 'PIPELINE_READER_USER']);

/**
 * Fills in the connection variables (the functions' environment and the tooling's logins). Explicit
 * settings win, except the login variables, which always name the role of the code that reads them.
 */
export function applyConnectionEnvironment(
  settings: LocalServicesSettings,
  env: NodeJS.ProcessEnv = process.env,
): void {
  for (const [name, value] of Object.entries(connectionEnvironment(settings))) {
    if (ROLE_FIXED_VARIABLES.has(name)) env[name] = value;
    else env[name] ??= value;
  }
}

function shellQuote(value: string): string {
  return /^[\w.,:/@-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

export const isRoot = (): boolean => userInfo().uid === 0;
