/**
 * The project's Keyspaces SigV4 authenticator against an independent implementation: the Python
 * `cassandra-sigv4` plugin the DAGs use (mwaa-dags/requirements.txt), run for real in a virtualenv, on the
 * same fixed credentials, nonces and times. The whole handshake response is compared, not just the digest.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  KeyspacesSigV4Authenticator,
  RefreshingCredentials,
  type SigV4Credentials,
} from '../../../../../lambdas/shared/clients/keyspaces-sigv4.js';
import { repoRoot } from '../../../../../tools/repo-root.js';

interface ReferenceCase {
  readonly challenge: string;
  readonly region: string;
  readonly access_key_id: string;
  readonly secret_access_key: string;
  readonly session_token: string | null;
  readonly time: string;
}

const CASES: readonly ReferenceCase[] = [
  {
    challenge: 'nonce=91703fdc2ef562e19fbdab0f58e42fe5',
    region: 'us-west-2',
    access_key_id: 'UserID-1',
    secret_access_key: 'UserSecretKey-1',
    session_token: null,
    time: '2020-06-09T22:41:51.000Z',
  },
  {
    challenge: 'nonce=0123456789abcdef0123456789abcdef',
    region: 'eu-west-1',
    access_key_id: 'ASIAEXAMPLEKEY000001',
    secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    session_token: 'IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCWV1LXdlc3QtMSJHMEUCIQ+session/token==',
    time: '2026-11-27T23:59:59.987Z',
  },
  {
    // A challenge with more after the nonce, and a secret with characters that need UTF-8 care.
    challenge: 'nonce=ffffffffeeeeeeeedddddddd00000000,extra=ignored',
    region: 'ap-southeast-2',
    access_key_id: 'AKIAIOSFODNN7EXAMPLE',
    secret_access_key: 'sécret+with/special=chars',
    session_token: null,
    time: '2027-01-01T00:00:00.001Z',
  },
];

function pythonReference(cases: readonly ReferenceCase[]): string[] {
  const support = join(repoRoot, 'test', 'support', 'python');
  const python = execFileSync('bash', [join(support, 'cassandra-sigv4-venv.sh')], {
    encoding: 'utf8',
  }).trim();
  const out = execFileSync(python, [join(support, 'cassandra_sigv4_reference.py')], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

function typescriptResponse(c: ReferenceCase): Promise<string> {
  const credentials: SigV4Credentials = {
    accessKeyId: c.access_key_id,
    secretAccessKey: c.secret_access_key,
    ...(c.session_token ? { sessionToken: c.session_token } : {}),
  };
  const authenticator = new KeyspacesSigV4Authenticator(
    c.region,
    new RefreshingCredentials(async () => credentials),
    () => new Date(c.time),
  );
  return new Promise((resolve, reject) => {
    authenticator.evaluateChallenge(Buffer.from(c.challenge, 'utf8'), (error, response) =>
      error ? reject(error) : resolve(response?.toString('utf8') ?? ''),
    );
  });
}

describe('Keyspaces SigV4 authenticator vs the Python cassandra-sigv4 plugin', () => {
  let reference: string[];
  beforeAll(() => {
    reference = pythonReference(CASES);
  }, 240_000);

  it.each(CASES.map((c, i) => [c.region, i] as const))('signs the %s case like the plugin', async (_, i) => {
    const c = CASES[i] as ReferenceCase;
    const ours = await typescriptResponse(c);
    expect(ours).toMatch(/^signature=[0-9a-f]{64},access_key=/);
    expect(ours).toBe(reference[i]);
  });

  it('differs from the plugin when the time differs (the comparison can fail)', async () => {
    const c = CASES[1] as ReferenceCase;
    const ours = await typescriptResponse({ ...c, time: '2026-11-27T23:59:58.987Z' });
    expect(ours).not.toBe(reference[1]);
  });
});
