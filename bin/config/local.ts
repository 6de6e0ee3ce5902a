import type { StageConfig } from './stage-config.js';

/**
 * Local stage: the stack synthesized for LocalStack (docker-compose.localstack.yml). LocalStack serves a
 * fixed account and region, so they are pinned rather than taken from the caller's credentials. Only what
 * LocalStack's free edition serves is synthesized; the Lambdas use the compose Kafka, Cassandra and
 * PostgreSQL (see DEFAULT_LOCAL_ENDPOINTS).
 */
export const localConfig: StageConfig = {
  stageName: 'local',
  account: '000000000000',
  region: 'us-east-1',
  target: 'localstack',
  api: { auth: 'apiKey', throttleRateLimit: 50, throttleBurstLimit: 100, waf: false },
  observability: { logRetentionDays: 3, offsetLagThreshold: 10_000 },
};
