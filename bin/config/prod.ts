import { MSK_KAFKA_VERSION, type StageConfig } from './stage-config.js';

/**
 * Production stage: three AZs with a NAT gateway each, three m7g brokers (RF 3, min ISR 2), Multi-AZ RDS with
 * deletion protection and a week of backups, IAM-authenticated API behind AWS WAF, larger MWAA. Sized to carry
 * 10,000 events/s with every signup in one country (`npm run capacity -- --stage prod --events-per-second
 * 10000`; README, "Scaling").
 */
export const prodConfig: StageConfig = {
  stageName: 'prod',
  // Production holds the pipeline's only copy of the data: an accidental `cdk destroy` must be refused.
  terminationProtection: true,
  network: { maxAzs: 3, natGateways: 3 },
  streaming: {
    kind: 'provisioned',
    kafkaVersion: MSK_KAFKA_VERSION,
    brokerInstanceType: 'kafka.m7g.large',
    brokerCount: 3,
    volumeSizeGiB: 500,
  },
  topic: { partitions: 12, replicationFactor: 3, minInsyncReplicas: 2, retentionHours: 168 },
  database: {
    instanceType: 'm7g.large',
    multiAz: true,
    allocatedStorageGiB: 100,
    maxAllocatedStorageGiB: 1000,
    backupRetentionDays: 7,
    deletionProtection: true,
    performanceInsights: true,
    enhancedMonitoringIntervalSeconds: 60,
  },
  // 12,000 requests/s: 10,000 events/s one user per request, with 20 % headroom. API Gateway caps every stage at
  // the account's Regional quota (10,000 by default): prod's account needs L-8A5B8E43 raised to 15,000.
  // Callers are SigV4-signed services: WAF lets one client IP send 1,000 requests/s (300,000 per 5 minutes).
  api: {
    auth: 'iam',
    throttleRateLimit: 12_000,
    throttleBurstLimit: 5_000,
    waf: true,
    wafRequestsPerIpPer5Minutes: 300_000,
  },
  accountQuotas: { apiGatewayRequestsPerSecond: 15_000, lambdaConcurrentExecutions: 1_000 },
  // 16 partitions per (day, country): 16,000 writes/s for one market, 1.6 × the 10,000/s the stage carries.
  signupDayTable: { buckets: 16, legacyTable: 'none' },
  pullSchedule: { enabled: true, rateMinutes: 5, count: 500 },
  processor: {
    batchSize: 500,
    maxBatchingWindowSeconds: 1,
    reservedConcurrency: 12,
    memorySizeMiB: 1024,
    // A full 500-record batch sends ~2,400 CQL requests/s per invocation over 3 hosts; two connections per host
    // keep each far below Keyspaces' 3,000 requests/s per connection, with room for retries and a lost host
    // (npm run capacity -- --stage prod).
    keyspacesConnectionsPerHost: 2,
    provisionedPollers: { minimum: 1, maximum: 12 },
  },
  orchestration: { environmentClass: 'mw1.medium', minWorkers: 1, maxWorkers: 5, schedulers: 2 },
  observability: { logRetentionDays: 90, offsetLagThreshold: 50_000, endToEndLatencyP99ThresholdMs: 15_000 },
  // Production rows are the adopter's to expire: no TTL until they choose one (Keyspaces cannot turn TTL off
  // again). Erasure requests remove users at any time; dead-letter bytes still go after 30 days.
  retention: { userRowsTtlDays: 0, deadLetterRawBytesDays: 30 },
};
