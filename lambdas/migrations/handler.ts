import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createPostgresClient, readPostgresConnectionConfig } from '../shared/clients/postgres.js';
import { createSecretsManagerClient, secretsManagerLoader } from '../shared/clients/secrets.js';
import { runMigrations } from '../shared/schema/postgres/migrate.js';
import { APPLICATION_ROLES, enableRoleLogins, type RoleLogin } from '../shared/schema/postgres/roles.js';

const logger = new Logger({ serviceName: 'migrations' });

export class RoleSecretsConfigError extends Error {
  constructor(detail: string) {
    super(`PG_ROLE_SECRET_ARNS: ${detail}`);
    this.name = 'RoleSecretsConfigError';
  }
}

/**
 * The application roles' logins from their secrets (`PG_ROLE_SECRET_ARNS`: JSON role → secret ARN); the
 * password never appears in a log or a response.
 */
async function roleLoginsFromSecrets(raw: string | undefined): Promise<RoleLogin[]> {
  if (!raw) return [];
  const arns = JSON.parse(raw) as Record<string, unknown>;
  const load = secretsManagerLoader(createSecretsManagerClient());
  const logins: RoleLogin[] = [];
  for (const role of APPLICATION_ROLES) {
    const arn = arns[role];
    if (typeof arn !== 'string') throw new RoleSecretsConfigError(`no secret ARN for ${role}`);
    const secret = await load(arn);
    if (secret.username !== role)
      throw new RoleSecretsConfigError(`secret of ${role} names ${secret.username}`);
    logins.push({ role, password: secret.password });
  }
  return logins;
}
const PHYSICAL_ID = 'postgres-schema-migrations';

export interface MigrationsResourceResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly Applied: number; readonly Skipped: number; readonly LatestVersion: number };
}

/**
 * CloudFormation custom resource (CDK Provider framework `onEvent`): applies the PostgreSQL migrations on every
 * create and update — the same runner `npm start` uses locally; it is idempotent and holds an advisory lock —
 * then gives the application roles (migration 0006) LOGIN with the passwords of their own secrets.
 * Delete does nothing: removing the stack never drops data.
 */
export const handler = async (
  event: CloudFormationCustomResourceEvent,
): Promise<MigrationsResourceResponse> => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const config = readPostgresConnectionConfig(process.env);
  const client = createPostgresClient(
    config,
    config.secretArn ? secretsManagerLoader(createSecretsManagerClient()) : undefined,
  );
  await client.connect();
  try {
    const result = await runMigrations(client, { logger });
    await enableRoleLogins(client, await roleLoginsFromSecrets(process.env.PG_ROLE_SECRET_ARNS));
    const versions = [...result.applied, ...result.skipped].map((m) => m.version);
    logger.info('migrations done', {
      applied: result.applied.map((m) => m.version),
      unknown: result.unknownApplied,
    });
    return {
      PhysicalResourceId: PHYSICAL_ID,
      Data: {
        Applied: result.applied.length,
        Skipped: result.skipped.length,
        LatestVersion: Math.max(0, ...versions),
      },
    };
  } finally {
    await client.end();
  }
};
