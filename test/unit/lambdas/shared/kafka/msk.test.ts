/**
 * MSK's control plane, which only AWS has: the Kafka SDK client is a stand-in that records the region it was
 * built for, each command sent, and whether it was destroyed; its answer is set per test.
 */
import { GetBootstrapBrokersCommand } from '@aws-sdk/client-kafka';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MskBootstrapBrokersError } from '../../../../../lambdas/shared/kafka/errors.js';
import { generateMskIamToken, resolveMskBootstrapBrokers } from '../../../../../lambdas/shared/kafka/msk.js';

const sdk = vi.hoisted(() => ({
  clients: [] as { region: string; sent: unknown[]; destroyed: boolean }[],
  answer: async (): Promise<unknown> => ({}),
  tokenRegions: [] as string[],
}));

vi.mock('@aws-sdk/client-kafka', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@aws-sdk/client-kafka')>();
  class StandInKafkaClient {
    private readonly record: { region: string; sent: unknown[]; destroyed: boolean };
    constructor(config: { region: string }) {
      this.record = { region: config.region, sent: [], destroyed: false };
      sdk.clients.push(this.record);
    }
    async send(command: unknown) {
      this.record.sent.push(command);
      return sdk.answer();
    }
    destroy() {
      this.record.destroyed = true;
    }
  }
  return { ...actual, KafkaClient: StandInKafkaClient };
});

vi.mock('aws-msk-iam-sasl-signer-js', () => ({
  generateAuthToken: async ({ region }: { region: string }) => {
    sdk.tokenRegions.push(region);
    return { token: `token-for-${region}`, expiryTime: 0 };
  },
}));

const CLUSTER = 'arn:aws:kafka:eu-west-1:123456789012:cluster/pipeline/abc-1';

describe('resolveMskBootstrapBrokers', () => {
  beforeEach(() => {
    sdk.clients.length = 0;
  });

  it('asks GetBootstrapBrokers for the cluster, in its region, and returns the IAM brokers', async () => {
    sdk.answer = async () => ({
      BootstrapBrokerStringSaslIam: 'b-1.msk.example:9098,b-2.msk.example:9098',
      BootstrapBrokerStringTls: 'b-1.msk.example:9094',
    });
    const brokers = await resolveMskBootstrapBrokers(CLUSTER, 'eu-west-1');
    expect(brokers).toEqual(['b-1.msk.example:9098', 'b-2.msk.example:9098']);
    expect(sdk.clients).toHaveLength(1);
    const [client] = sdk.clients;
    expect(client?.region).toBe('eu-west-1');
    expect(client?.sent).toHaveLength(1);
    expect(client?.sent[0]).toBeInstanceOf(GetBootstrapBrokersCommand);
    expect((client?.sent[0] as GetBootstrapBrokersCommand | undefined)?.input).toEqual({
      ClusterArn: CLUSTER,
    });
    expect(client?.destroyed).toBe(true);
  });

  it.each([
    ['an empty IAM bootstrap string', { BootstrapBrokerStringSaslIam: '' }],
    ['no IAM bootstrap string', { BootstrapBrokerStringTls: 'b-1.msk.example:9094' }],
  ])('raises MskBootstrapBrokersError for %s, saying to enable IAM auth', async (_label, answer) => {
    sdk.answer = async () => answer;
    const failure = resolveMskBootstrapBrokers(CLUSTER, 'eu-west-1');
    await expect(failure).rejects.toBeInstanceOf(MskBootstrapBrokersError);
    await expect(failure).rejects.toThrow(
      `MSK cluster ${CLUSTER} has no IAM bootstrap brokers; enable IAM client authentication on it`,
    );
    expect(sdk.clients[0]?.destroyed).toBe(true);
  });

  it('wraps an SDK error, keeping it as the cause, and still destroys the client', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform kafka:GetBootstrapBrokers'), {
      name: 'AccessDeniedException',
    });
    sdk.answer = async () => {
      throw denied;
    };
    const error = await resolveMskBootstrapBrokers(CLUSTER, 'eu-west-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MskBootstrapBrokersError);
    expect((error as Error).message).toBe(
      `GetBootstrapBrokers for ${CLUSTER} failed: User is not authorized to perform kafka:GetBootstrapBrokers`,
    );
    expect((error as Error).cause).toBe(denied);
    expect(sdk.clients[0]?.destroyed).toBe(true);
  });

  it('wraps a thrown non-Error value as text', async () => {
    sdk.answer = async () => {
      throw 'socket hang up';
    };
    await expect(resolveMskBootstrapBrokers(CLUSTER, 'eu-west-1')).rejects.toThrow(
      `GetBootstrapBrokers for ${CLUSTER} failed: socket hang up`,
    );
  });
});

describe('generateMskIamToken', () => {
  it('signs a token for the given region', async () => {
    expect(await generateMskIamToken('eu-west-1')).toBe('token-for-eu-west-1');
    expect(sdk.tokenRegions).toEqual(['eu-west-1']);
  });
});
