import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createPostgresClient, readPostgresConnectionConfig } from '../shared/clients/postgres.js';
import { createSecretsManagerClient, secretsManagerLoader } from '../shared/clients/secrets.js';
import { runMigrations } from '../shared/schema/postgres/migrate.js';

const logger = new Logger({ serviceName: 'migrations' });
const PHYSICAL_ID = 'postgres-schema-migrations';

export interface MigrationsResourceResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly Applied: number; readonly Skipped: number; readonly LatestVersion: number };
}

/**
 * CloudFormation custom resource (CDK Provider framework `onEvent`): applies the PostgreSQL migrations on every
 * create and update — the same runner `npm start` uses locally; it is idempotent and holds an advisory lock.
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
