import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** PostgreSQL port of the instance and the proxy. */
export const POSTGRES_PORT = 5432;

/** Database the pipeline's tables live in (PGDATABASE). */
export const DATABASE_NAME = 'pipeline';

/** Master user: only the migrations custom resource logs in with it. */
export const DATABASE_USER = 'pipeline_admin';

/** A PostgreSQL login and the Secrets Manager secret holding its password (and host, port, dbname). */
export interface DatabaseLogin {
  readonly username: string;
  readonly secret: secretsmanager.ISecret;
}

/** The `PG*` environment of a Lambda that connects to `host` as `login` over TLS. */
export function postgresConnectionEnvironment(
  login: DatabaseLogin,
  host: string,
  port: string = String(POSTGRES_PORT),
): Record<string, string> {
  return {
    PGHOST: host,
    PGPORT: port,
    PGDATABASE: DATABASE_NAME,
    PGUSER: login.username,
    PG_SECRET_ARN: login.secret.secretArn,
    PGSSL: 'true',
    // RDS and RDS Proxy certificates verify against the CA bundle the Lambda runtime ships.
    NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
  };
}
