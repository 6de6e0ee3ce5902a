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

/**
 * A pool whose password is resolved per new connection: after a Secrets Manager rotation, new
 * connections pick up the new password without a cold start.
 */
export function createPostgresPool(config: PostgresConnectionConfig, loadSecret?: SecretLoader): pg.Pool {
  const { secretArn } = config;
  const password =
    secretArn && loadSecret ? async () => (await loadSecret(secretArn)).password : (config.password ?? '');
  return new pg.Pool({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password,
    max: config.poolMax,
    ssl: config.tls ? { rejectUnauthorized: true } : false,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 60_000,
  });
}
