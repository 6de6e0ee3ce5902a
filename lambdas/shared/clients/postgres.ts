import pg from 'pg';
import { boolean, type Env, integer, optionalString } from '../config.js';

/**
 * How the Lambdas reach PostgreSQL. Locally the conventional `PG*` variables; in AWS the RDS Proxy
 * endpoint plus the Secrets Manager secret (`PG_SECRET_ARN`) that holds the credentials, over TLS.
 */
export interface PostgresConnectionConfig {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** Set locally; in AWS the password comes from the secret. */
  readonly password?: string;
  readonly secretArn?: string;
  /** TLS with certificate verification (RDS: the Lambda runtime's CA bundle via NODE_EXTRA_CA_CERTS). */
  readonly tls: boolean;
  readonly poolMax: number;
}

export function readPostgresConnectionConfig(env: Env): PostgresConnectionConfig {
  const secretArn = env.PG_SECRET_ARN || undefined;
  return {
    host: optionalString(env, 'PGHOST', '127.0.0.1'),
    port: integer(env, 'PGPORT', 5432, { min: 1, max: 65_535 }),
    database: optionalString(env, 'PGDATABASE', 'pipeline'),
    user: optionalString(env, 'PGUSER', 'postgres'),
    ...(env.PGPASSWORD ? { password: env.PGPASSWORD } : {}),
    ...(secretArn ? { secretArn } : {}),
    tls: boolean(env, 'PGSSL', secretArn !== undefined),
    poolMax: integer(env, 'PG_POOL_MAX', 2, { min: 1, max: 100 }),
  };
}

/** The fields of an RDS-managed secret this code uses. */
export interface DatabaseSecret {
  readonly username: string;
  readonly password: string;
  readonly host?: string;
  readonly port?: number;
  readonly dbname?: string;
}

export type SecretLoader = (secretArn: string) => Promise<DatabaseSecret>;

function connectionOptions(config: PostgresConnectionConfig, loadSecret?: SecretLoader): pg.ClientConfig {
  const { secretArn } = config;
  // Resolved per new connection: after a Secrets Manager rotation, new connections use the new password.
  const password =
    secretArn && loadSecret ? async () => (await loadSecret(secretArn)).password : (config.password ?? '');
  return {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password,
    ssl: config.tls ? { rejectUnauthorized: true } : false,
    connectionTimeoutMillis: 5_000,
  };
}

/**
 * The Lambdas' pool (per container, reused by every invocation). When the database restarts or fails over,
 * idle connections die and the pool emits 'error'; unhandled, that event would crash the process. The pool
 * has already dropped the dead client and the next query connects afresh, so it is only reported.
 */
export function createPostgresPool(
  config: PostgresConnectionConfig,
  loadSecret?: SecretLoader,
  onIdleClientError: (error: Error) => void = () => {},
): pg.Pool {
  const pool = new pg.Pool({
    ...connectionOptions(config, loadSecret),
    max: config.poolMax,
    idleTimeoutMillis: 60_000,
  });
  pool.on('error', onIdleClientError);
  return pool;
}

/** One connection, for work that needs a session of its own (migrations hold an advisory lock). */
export function createPostgresClient(config: PostgresConnectionConfig, loadSecret?: SecretLoader): pg.Client {
  return new pg.Client(connectionOptions(config, loadSecret));
}
