import { parseBrokerList } from './config.js';
import { MskBootstrapBrokersError } from './errors.js';

// The AWS SDK clients are imported on first use: a producer configured with KAFKA_BROKERS and no IAM
// (local runs) never loads them, which keeps that cold start short.

/**
 * The IAM listener's bootstrap brokers of an MSK cluster (GetBootstrapBrokers → BootstrapBrokerStringSaslIam).
 * From inside a VPC this needs a route to the MSK control plane (NAT or a `kafka` interface endpoint).
 */
export async function resolveMskBootstrapBrokers(clusterArn: string, region: string): Promise<string[]> {
  const { KafkaClient, GetBootstrapBrokersCommand } = await import('@aws-sdk/client-kafka');
  const client = new KafkaClient({ region });
  try {
    const output = await client.send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
    const brokers = output.BootstrapBrokerStringSaslIam;
    if (brokers === undefined || brokers === '') {
      throw new MskBootstrapBrokersError(
        `MSK cluster ${clusterArn} has no IAM bootstrap brokers; enable IAM client authentication on it`,
      );
    }
    return parseBrokerList('BootstrapBrokerStringSaslIam', brokers);
  } catch (error) {
    if (error instanceof MskBootstrapBrokersError) throw error;
    throw new MskBootstrapBrokersError(
      `GetBootstrapBrokers for ${clusterArn} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    client.destroy();
  }
}

/** A SASL OAUTHBEARER token for MSK IAM auth, signed with the default credential chain (the Lambda role). */
export async function generateMskIamToken(region: string): Promise<string> {
  const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
  const { token } = await generateAuthToken({ region });
  return token;
}
