import { Client, type ClientOptions } from 'cassandra-driver';

/** The options a Client keeps (public at runtime, missing from the driver's typings). */
const optionsOf = (client: Client) => (client as unknown as { options: ClientOptions }).options;

import { describe, expect, it } from 'vitest';
import {
  CREDENTIALS_REFRESH_MARGIN_MS,
  extractNonce,
  KeyspacesAuthError,
  KeyspacesSigV4AuthProvider,
  RefreshingCredentials,
  type SigV4Credentials,
  signChallenge,
} from '../../../../../lambdas/shared/clients/keyspaces-sigv4.js';

const NONCE = '91703fdc2ef562e19fbdab0f58e42fe5';

/** A credential source that hands out a new key id per call, expiring `ttlMs` after the fake clock's now. */
function rotatingSource(clock: { now: number }, ttlMs: number | undefined) {
  let calls = 0;
  const source = async (): Promise<SigV4Credentials> => {
    calls += 1;
    return {
      accessKeyId: `KEY${calls}`,
      secretAccessKey: 'secret',
      ...(ttlMs === undefined ? {} : { expiration: new Date(clock.now + ttlMs) }),
    };
  };
  return { source, calls: () => calls };
}

describe('signChallenge', () => {
  it('reproduces the example in the AWS SigV4 Cassandra plugin documentation', () => {
    // From aws-sigv4-auth-cassandra-plugin's README/JSDoc (computeSigV4SignatureCassandraRequest).
    expect(
      signChallenge({
        nonce: NONCE,
        region: 'us-west-2',
        date: new Date(1591742511000),
        credentials: { accessKeyId: 'UserID-1', secretAccessKey: 'UserSecretKey-1' },
      }),
    ).toBe(
      'signature=7f3691c18a81b8ce7457699effbfae5b09b4e0714ab38c1292dbdf082c9ddd87,access_key=UserID-1,amzdate=2020-06-09T22:41:51.000Z',
    );
  });

  it('appends the session token of temporary credentials', () => {
    const response = signChallenge({
      nonce: NONCE,
      region: 'eu-west-1',
      date: new Date(0),
      credentials: { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T/ok=' },
    });
    expect(response.endsWith(',session_token=T/ok=')).toBe(true);
  });
});

describe('extractNonce', () => {
  it('reads the 32 characters after nonce=', () => {
    expect(extractNonce(Buffer.from(`nonce=${NONCE},more`))).toBe(NONCE);
  });

  it.each(['', 'nonce=', 'nonce=short', 'something else'])('rejects %j', (challenge) => {
    expect(() => extractNonce(Buffer.from(challenge))).toThrow(KeyspacesAuthError);
  });
});

describe('RefreshingCredentials', () => {
  it('keeps credentials until they come within the refresh margin of expiring, then refreshes', async () => {
    const clock = { now: 1_000_000 };
    const rotating = rotatingSource(clock, 60 * 60_000);
    const credentials = new RefreshingCredentials(rotating.source, () => clock.now);
    expect((await credentials.get()).accessKeyId).toBe('KEY1');
    clock.now += 60 * 60_000 - CREDENTIALS_REFRESH_MARGIN_MS - 1;
    expect((await credentials.get()).accessKeyId).toBe('KEY1');
    clock.now += 2;
    expect((await credentials.get()).accessKeyId).toBe('KEY2');
    expect(rotating.calls()).toBe(2);
  });

  it('keeps credentials without an expiration', async () => {
    const clock = { now: 0 };
    const rotating = rotatingSource(clock, undefined);
    const credentials = new RefreshingCredentials(rotating.source, () => clock.now);
    await credentials.get();
    clock.now += 365 * 24 * 3_600_000;
    expect((await credentials.get()).accessKeyId).toBe('KEY1');
  });

  it('shares one refresh between concurrent connections', async () => {
    const rotating = rotatingSource({ now: 0 }, undefined);
    const credentials = new RefreshingCredentials(rotating.source);
    const all = await Promise.all([credentials.get(), credentials.get(), credentials.get()]);
    expect(all.map((c) => c.accessKeyId)).toEqual(['KEY1', 'KEY1', 'KEY1']);
    expect(rotating.calls()).toBe(1);
  });

  it('tries again after a failed refresh', async () => {
    let calls = 0;
    const credentials = new RefreshingCredentials(async () => {
      calls += 1;
      if (calls === 1) throw new Error('metadata endpoint unreachable');
      return { accessKeyId: 'K', secretAccessKey: 'S' };
    });
    await expect(credentials.get()).rejects.toThrow('metadata endpoint unreachable');
    expect((await credentials.get()).accessKeyId).toBe('K');
  });
});

describe('KeyspacesSigV4AuthProvider', () => {
  it('is accepted by cassandra-driver as an authProvider', () => {
    const authProvider = new KeyspacesSigV4AuthProvider('eu-west-1', async () => ({
      accessKeyId: 'A',
      secretAccessKey: 'S',
    }));
    const client = new Client({ contactPoints: ['127.0.0.1'], localDataCenter: 'dc', authProvider });
    expect(optionsOf(client).authProvider).toBe(authProvider);
  });

  it('answers the initial request with SigV4 and reports a challenge without a nonce', async () => {
    const provider = new KeyspacesSigV4AuthProvider('eu-west-1', async () => ({
      accessKeyId: 'A',
      secretAccessKey: 'S',
    }));
    const authenticator = provider.newAuthenticator();
    const initial = await new Promise<Buffer | undefined>((resolve) =>
      authenticator.initialResponse((_: unknown, r?: Buffer) => resolve(r)),
    );
    expect(initial?.toString('utf8')).toBe('SigV4\0\0');
    const error = await new Promise<unknown>((resolve) =>
      authenticator.evaluateChallenge(Buffer.from('no nonce'), (e: unknown) => resolve(e)),
    );
    expect(error).toBeInstanceOf(KeyspacesAuthError);
  });

  it('refuses to start without a region', () => {
    expect(
      () => new KeyspacesSigV4AuthProvider('', async () => ({ accessKeyId: 'A', secretAccessKey: 'S' })),
    ).toThrow(KeyspacesAuthError);
  });
});

describe('createCassandraClient with CASSANDRA_AUTH=sigv4', () => {
  it('wires the SigV4 provider over the AWS SDK v3 credential chain', async () => {
    const { createCassandraClient, readCassandraConnectionConfig } = await import(
      '../../../../../lambdas/shared/clients/cassandra.js'
    );
    const config = readCassandraConnectionConfig({ CASSANDRA_AUTH: 'sigv4', AWS_REGION: 'eu-west-1' });
    const client = await createCassandraClient(config);
    expect(optionsOf(client).authProvider).toBeInstanceOf(KeyspacesSigV4AuthProvider);
    expect(optionsOf(client).protocolOptions?.port).toBe(9142);
  });
});
