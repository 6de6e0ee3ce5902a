import { SecretValue, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { POSTGRES_SINK_NAME } from '../../../lambdas/processor/sinks/postgres/name.js';
import type { LocalServiceEndpoints } from '../../config/stage-settings.js';
import type { SinkAccess } from '../shared/access.js';

/**
 * The `postgres` sink in the LocalStack stage: the compose PostgreSQL, its development credentials in a
 * secret (`LocalPostgresSecret` of `scope`) the processor may read.
 */
export function localPostgresSinkAccess(scope: Construct, local: LocalServiceEndpoints): SinkAccess {
  const postgresSecret = new secretsmanager.Secret(scope, 'LocalPostgresSecret', {
    description: 'Credentials of the compose PostgreSQL (development defaults)',
    secretObjectValue: {
      username: SecretValue.unsafePlainText(local.postgresUser),
      password: SecretValue.unsafePlainText(local.postgresPassword),
    },
  });
  Validations.of(postgresSecret).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'LocalStack stage: the fixed development credentials of the compose PostgreSQL (docker-compose.localstack.yml); nothing to rotate.',
  });
  return {
    name: POSTGRES_SINK_NAME,
    environment: {
      PGHOST: local.postgresHost,
      PGPORT: String(local.postgresPort),
      PGDATABASE: local.postgresDatabase,
      PGUSER: local.postgresUser,
      PG_SECRET_ARN: postgresSecret.secretArn,
      PGSSL: 'false',
    },
    grant: (client) => postgresSecret.grantRead(client),
  };
}
