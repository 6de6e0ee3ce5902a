import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type pg from 'pg';
import {
  createPostgresPool,
  type DatabaseSecret,
  type PostgresConnectionConfig,
  type SecretLoader,
} from './postgres.js';

export class SecretFormatError extends Error {
  constructor(secretArn: string, detail: string) {
    super(`secret ${secretArn} is not a database secret: ${detail}`);
    this.name = 'SecretFormatError';
  }
}

/** Loads a database secret, caching it briefly so a burst of new connections makes one call. */
export function secretsManagerLoader(client: SecretsManagerClient, ttlMs = 5 * 60_000): SecretLoader {
  const cache = new Map<string, { value: DatabaseSecret; expires: number }>();
  return async (secretArn) => {
    const hit = cache.get(secretArn);
    if (hit && hit.expires > Date.now()) return hit.value;
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const parsed = JSON.parse(response.SecretString ?? '{}') as Partial<DatabaseSecret>;
    if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
      throw new SecretFormatError(secretArn, 'username and password must be strings');
    }
    const value = parsed as DatabaseSecret;
    cache.set(secretArn, { value, expires: Date.now() + ttlMs });
    return value;
  };
}

export const createSecretsManagerClient = (): SecretsManagerClient => new SecretsManagerClient({});

/**
 * A function's PostgreSQL pool: its password from the login's Secrets Manager secret when `PG_SECRET_ARN` names
 * one (AWS), otherwise from `PGPASSWORD` (locally); a lost idle connection is only reported through `warn`.
 */
export function lambdaPostgresPool(
  config: PostgresConnectionConfig,
  warn: (message: string, detail: { readonly error: string }) => void,
): pg.Pool {
  return createPostgresPool(
    config,
    config.secretArn ? secretsManagerLoader(createSecretsManagerClient()) : undefined,
    (error) =>
      warn('idle PostgreSQL connection lost; the pool reconnects on next use', { error: error.message }),
  );
}
