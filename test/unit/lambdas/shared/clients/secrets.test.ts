import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecretFormatError, secretsManagerLoader } from '../../../../../lambdas/shared/clients/secrets.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pipeline-db-AbCdEf';

/** A Secrets Manager stand-in: answers with the current secret string and records every request. */
function secretsManager(initial: string | undefined) {
  const state = { secretString: initial, requests: [] as GetSecretValueCommand[] };
  const client = {
    send: async (command: GetSecretValueCommand) => {
      state.requests.push(command);
      return { SecretString: state.secretString };
    },
  } as unknown as SecretsManagerClient;
  return { client, state };
}

const secret = (password: string) => JSON.stringify({ username: 'app', password, host: 'proxy', port: 5432 });

describe('secretsManagerLoader', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('asks for the secret by its ARN and returns its username and password', async () => {
    const { client, state } = secretsManager(secret('first'));
    const loaded = await secretsManagerLoader(client)(ARN);
    expect(loaded).toMatchObject({ username: 'app', password: 'first' });
    expect(state.requests).toHaveLength(1);
    expect(state.requests[0]).toBeInstanceOf(GetSecretValueCommand);
    expect(state.requests[0]?.input).toEqual({ SecretId: ARN });
  });

  it('serves a burst of connections from one call while the TTL lasts', async () => {
    const { client, state } = secretsManager(secret('first'));
    const load = secretsManagerLoader(client, 60_000);
    await load(ARN);
    vi.advanceTimersByTime(59_999);
    expect((await load(ARN)).password).toBe('first');
    expect(state.requests).toHaveLength(1);
  });

  it('fetches the new password after a rotation once the TTL has passed', async () => {
    const { client, state } = secretsManager(secret('before-rotation'));
    const load = secretsManagerLoader(client, 60_000);
    expect((await load(ARN)).password).toBe('before-rotation');
    state.secretString = secret('after-rotation');
    vi.advanceTimersByTime(60_001);
    expect((await load(ARN)).password).toBe('after-rotation');
    expect(state.requests).toHaveLength(2);
  });

  it('caches each secret separately', async () => {
    const { client, state } = secretsManager(secret('p'));
    const load = secretsManagerLoader(client);
    await load(ARN);
    await load(`${ARN}-other`);
    expect(state.requests.map((r) => r.input.SecretId)).toEqual([ARN, `${ARN}-other`]);
  });

  it.each([
    ['no secret string', undefined],
    ['no password', JSON.stringify({ username: 'app' })],
    ['a numeric password', JSON.stringify({ username: 'app', password: 1234 })],
  ])('refuses a secret with %s, naming the secret, and caches nothing', async (_label, value) => {
    const { client, state } = secretsManager(value);
    const load = secretsManagerLoader(client);
    const failure = load(ARN);
    await expect(failure).rejects.toBeInstanceOf(SecretFormatError);
    await expect(failure).rejects.toThrow(`secret ${ARN} is not a database secret`);
    state.secretString = secret('fixed');
    expect((await load(ARN)).password).toBe('fixed');
  });
});
