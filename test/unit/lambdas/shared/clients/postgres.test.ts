/**
 * The PostgreSQL client as the Lambdas build it in AWS: RDS Proxy over TLS, the password from Secrets Manager,
 * looked up on each new connection (so a rotation reaches new connections). No server is contacted.
 */
import { describe, expect, it } from 'vitest';
import {
  createPostgresClient,
  createPostgresPool,
  type DatabaseSecret,
  readPostgresConnectionConfig,
} from '../../../../../lambdas/shared/clients/postgres.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pipeline-db-AbCdEf';
const AWS_ENV = { PGHOST: 'proxy.example', PGUSER: 'app', PGDATABASE: 'pipeline', PG_SECRET_ARN: ARN };

/** A secret loader whose password changes between calls, as after a rotation. */
function rotatingSecrets() {
  const asked: string[] = [];
  let password = 'first';
  const load = async (arn: string): Promise<DatabaseSecret> => {
    asked.push(arn);
    return { username: 'app', password };
  };
  const rotate = (next: string) => {
    password = next;
  };
  return { load, asked, rotate };
}

type PasswordOption = string | (() => Promise<string>);

describe('readPostgresConnectionConfig', () => {
  it('turns TLS on when the password comes from a secret', () => {
    expect(readPostgresConnectionConfig(AWS_ENV)).toEqual({
      host: 'proxy.example',
      port: 5432,
      database: 'pipeline',
      user: 'app',
      secretArn: ARN,
      tls: true,
      poolMax: 2,
    });
  });

  it('keeps TLS off locally and lets PGSSL override either way', () => {
    expect(readPostgresConnectionConfig({ PGPASSWORD: 'pw' })).toMatchObject({ tls: false, password: 'pw' });
    expect(readPostgresConnectionConfig({ ...AWS_ENV, PGSSL: 'false' }).tls).toBe(false);
    expect(readPostgresConnectionConfig({ PGSSL: 'true' }).tls).toBe(true);
  });
});

describe('createPostgresPool in AWS mode', () => {
  it('verifies the server certificate and reads the password from the secret on each new connection', async () => {
    const secrets = rotatingSecrets();
    const pool = createPostgresPool(readPostgresConnectionConfig(AWS_ENV), secrets.load);
    try {
      const options = pool.options as { ssl: unknown; password: PasswordOption; host: string; max: number };
      expect(options.ssl).toEqual({ rejectUnauthorized: true });
      expect(options.host).toBe('proxy.example');
      expect(options.max).toBe(2);
      if (typeof options.password !== 'function') throw new Error('password is not looked up per connection');
      expect(await options.password()).toBe('first');
      secrets.rotate('after-rotation');
      expect(await options.password()).toBe('after-rotation');
      expect(secrets.asked).toEqual([ARN, ARN]);
    } finally {
      await pool.end();
    }
  });

  it('reports an idle connection lost by the pool instead of crashing', async () => {
    const reported: Error[] = [];
    const pool = createPostgresPool(readPostgresConnectionConfig({}), undefined, (e) => reported.push(e));
    try {
      const lost = new Error('terminating connection due to administrator command');
      pool.emit('error', lost);
      expect(reported).toEqual([lost]);
    } finally {
      await pool.end();
    }
  });

  it('uses the local password and no TLS without a secret', async () => {
    const pool = createPostgresPool(readPostgresConnectionConfig({ PGPASSWORD: 'pw' }));
    try {
      expect(pool.options).toMatchObject({ ssl: false, password: 'pw' });
    } finally {
      await pool.end();
    }
  });
});

describe('createPostgresClient in AWS mode', () => {
  it('is one TLS session whose password comes from the secret', async () => {
    const secrets = rotatingSecrets();
    const client = createPostgresClient(readPostgresConnectionConfig(AWS_ENV), secrets.load) as unknown as {
      ssl: unknown;
      password: PasswordOption;
      host: string;
    };
    expect(client.ssl).toEqual({ rejectUnauthorized: true });
    expect(client.host).toBe('proxy.example');
    if (typeof client.password !== 'function') throw new Error('password is not looked up per connection');
    expect(await client.password()).toBe('first');
    expect(secrets.asked).toEqual([ARN]);
  });
});
