import type { StageConfig } from './stage-config.js';

/**
 * Shared development stage: deploys to whatever account/region the caller's credentials point at. Sized for
 * cost: 2 AZs with one NAT gateway, two kafka.t3.small brokers, a single-AZ db.t4g.micro, mw1.micro MWAA,
 * API key auth, no WAF.
 */
export const devConfig: StageConfig = {
  stageName: 'dev',
  network: { maxAzs: 2, natGateways: 1 },
  streaming: {
    kind: 'provisioned',
    kafkaVersion: '3.9.x',
    brokerInstanceType: 'kafka.t3.small',
    brokerCount: 2,
    volumeSizeGiB: 20,
  },
  topic: { partitions: 6, replicationFactor: 2, minInsyncReplicas: 1, retentionHours: 72 },
  database: { instanceType: 't4g.micro', multiAz: false, backupRetentionDays: 1, deletionProtection: false },
  api: { auth: 'apiKey', throttleRateLimit: 50, throttleBurstLimit: 100, waf: false },
  pullSchedule: { enabled: true, rateMinutes: 15, count: 100 },
  processor: { batchSize: 100, maxBatchingWindowSeconds: 1, reservedConcurrency: 6, memorySizeMiB: 512 },
  orchestration: { environmentClass: 'mw1.micro', minWorkers: 1, maxWorkers: 1, schedulers: 1 },
  observability: { logRetentionDays: 14, offsetLagThreshold: 10_000 },
};
