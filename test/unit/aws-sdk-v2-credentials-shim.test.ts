import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  CredentialProviderChain,
  Credentials,
} from '../../lambdas/shared/clients/aws-sdk-v2-credentials-shim.js';

describe('aws-sdk v2 credentials shim for the Keyspaces SigV4 plugin', () => {
  it('returns fixed credentials when the plugin is given keys', async () => {
    const chain = new CredentialProviderChain([new Credentials('AKIDEXAMPLE', 'secret', 'token')]);
    await expect(chain.resolvePromise()).resolves.toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('resolves the default chain from the environment, as Lambda provides role credentials', async () => {
    const saved = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'envsecret';
    process.env.AWS_SESSION_TOKEN = 'envtoken';
    try {
      const creds = await new CredentialProviderChain().resolvePromise();
      expect(creds).toMatchObject({
        accessKeyId: 'AKIDFROMENV',
        secretAccessKey: 'envsecret',
        sessionToken: 'envtoken',
      });
    } finally {
      process.env = saved;
    }
  });

  it('covers every member of aws-sdk v2 that the plugin touches', () => {
    // The plugin's source is the contract: it must only use Credentials and CredentialProviderChain.
    const require = createRequire(import.meta.url);
    const pluginPath = require.resolve('aws-sigv4-auth-cassandra-plugin/lib/sigv4-auth-provider.js');
    const source = require('node:fs').readFileSync(pluginPath, 'utf8') as string;
    const used = new Set([...source.matchAll(/\bAWS\.(\w+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(['CredentialProviderChain', 'Credentials']);
  });
});
