import type { ResolvedStageConfig } from '../../bin/config/index.js';
import { HOURS_PER_MONTH, SECONDS_PER_MONTH, UNIT_PRICES } from './unit-prices.js';

/** Workload assumptions of the estimate. */
export interface Workload {
  /** Users created per second, on average over the month. */
  readonly eventsPerSecond: number;
  /** Share of events that arrive through the REST API (the rest come from the pull schedule). @default 1 */
  readonly apiShare?: number;
  /** Users per API request. @default 1 */
  readonly usersPerRequest?: number;
  /** Serialized event size in Kafka, KB. @default 1.5 */
  readonly eventKb?: number;
  /** Keyspaces row size, KB (≤ 1 KB costs one write unit). @default 0.8 */
  readonly rowKb?: number;
  /** ingest-http duration per request, ms. @default 60 */
  readonly httpMs?: number;
  /** Processor duration: fixed part per batch plus per record, ms. @default 150 + 3/record */
  readonly processorBatchMs?: number;
  readonly processorRecordMs?: number;
  /** Log bytes per event across all functions, KB. @default 1 */
  readonly logKbPerEvent?: number;
}

/** One line of the estimate. */
export interface CostLine {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly monthlyUsd: number;
}

/** Memory of the ingestion Lambdas, as lib/constructs/ingestion sets it. */
export const INGEST_MEMORY_MIB = 512;
/** Keyspaces tables every event is written to. */
export const KEYSPACES_TABLES_PER_EVENT = 2;
/** Interface VPC endpoints of lib/constructs/network. */
export const INTERFACE_ENDPOINTS = 6;
/** Alarms of lib/constructs/observability and the metrics in them (MSK alarm: one per broker). */
export const ALARM_METRICS_BASE = 14;
/** Custom EMF metrics (metric names × the `service` dimension). */
export const CUSTOM_METRICS = 23;
/** Secrets: database secret + Airflow variables/connections. */
export const SECRETS = 6;
/** Customer managed KMS keys (MSK, failure queues, alarm topic). */
export const KMS_KEYS = 3;
/** WAF rules (3 managed groups + rate limit). */
export const WAF_RULES = 4;

function line(service: string, item: string, quantity: number, unit: string, unitPrice: number): CostLine {
  return { service, item, quantity, unit, unitPrice, monthlyUsd: quantity * unitPrice };
}

function priceOf(table: Readonly<Record<string, number>>, key: string, what: string): number {
  const price = table[key];
  if (price === undefined)
    throw new Error(`no unit price for ${what} ${key}; add it to local/cost/unit-prices.ts`);
  return price;
}

/**
 * Monthly cost of one stage at a steady event rate, line by line. Only `aws` stages have a cost; the
 * LocalStack stage returns no lines.
 */
export function estimateMonthlyCost(config: ResolvedStageConfig, workload: Workload): CostLine[] {
  if (config.target !== 'aws') return [];
  const p = UNIT_PRICES;
  const h = HOURS_PER_MONTH;
  const events = workload.eventsPerSecond * SECONDS_PER_MONTH;
  const apiShare = workload.apiShare ?? 1;
  const apiRequests = (events * apiShare) / (workload.usersPerRequest ?? 1);
  const eventGb = (events * (workload.eventKb ?? 1.5)) / 1024 ** 2;
  const lines: CostLine[] = [];

  // MSK
  if (config.streaming.kind === 'provisioned') {
    const s = config.streaming;
    lines.push(
      line(
        'MSK',
        `${s.brokerCount} × ${s.brokerInstanceType}`,
        s.brokerCount * h,
        'broker-hours',
        priceOf(p.msk.brokerHour, s.brokerInstanceType, 'broker type'),
      ),
    );
    lines.push(
      line(
        'MSK',
        `EBS ${s.volumeSizeGiB} GB × ${s.brokerCount}`,
        s.volumeSizeGiB * s.brokerCount,
        'GB-month',
        p.msk.storageGbMonth,
      ),
    );
  } else {
    lines.push(line('MSK Serverless', 'cluster', h, 'cluster-hours', p.msk.serverless.clusterHour));
    lines.push(
      line(
        'MSK Serverless',
        `${config.topic.partitions} partitions`,
        config.topic.partitions * h,
        'partition-hours',
        p.msk.serverless.partitionHour,
      ),
    );
    lines.push(line('MSK Serverless', 'data in', eventGb, 'GB', p.msk.serverless.dataInGb));
    lines.push(line('MSK Serverless', 'data out', eventGb, 'GB', p.msk.serverless.dataOutGb));
  }

  // RDS
  const db = config.database;
  const dbClass = `db.${db.instanceType}`;
  const azFactor = db.multiAz ? 2 : 1;
  lines.push(
    line(
      'RDS PostgreSQL',
      `${dbClass}${db.multiAz ? ' Multi-AZ' : ''}`,
      h * azFactor,
      'instance-hours',
      priceOf(p.rds.instanceHour, dbClass, 'DB class'),
    ),
  );
  lines.push(
    line(
      'RDS PostgreSQL',
      `gp3 ${db.allocatedStorageGiB} GB`,
      db.allocatedStorageGiB * azFactor,
      'GB-month',
      p.rds.gp3GbMonth,
    ),
  );
  const proxyVcpus = Math.max(2, priceOf(p.rds.vcpus, dbClass, 'DB class'));
  lines.push(line('RDS Proxy', `${proxyVcpus} vCPU`, proxyVcpus * h, 'vCPU-hours', p.rds.proxyVcpuHour));

  // Keyspaces
  const wruPerRow = Math.max(1, Math.ceil(workload.rowKb ?? 0.8));
  const writeUnits = events * KEYSPACES_TABLES_PER_EVENT * wruPerRow;
  lines.push(
    line(
      'Keyspaces',
      `on-demand writes (${KEYSPACES_TABLES_PER_EVENT} tables)`,
      writeUnits / 1e6,
      'million WRU',
      p.keyspaces.writeRequestUnitsMillion,
    ),
  );
  const storedGb = (events * KEYSPACES_TABLES_PER_EVENT * (workload.rowKb ?? 0.8)) / 1024 ** 2;
  lines.push(line('Keyspaces', 'storage added this month', storedGb, 'GB-month', p.keyspaces.storageGbMonth));
  lines.push(line('Keyspaces', 'PITR', storedGb, 'GB-month', p.keyspaces.pitrGbMonth));

  // MWAA
  const o = config.orchestration;
  lines.push(
    line(
      'MWAA',
      o.environmentClass,
      h,
      'environment-hours',
      priceOf(p.mwaa.environmentHour, o.environmentClass, 'MWAA class'),
    ),
  );
  const extraWorkers = Math.max(0, o.minWorkers - 1);
  if (extraWorkers > 0) {
    lines.push(
      line(
        'MWAA',
        `${extraWorkers} additional min workers`,
        extraWorkers * h,
        'worker-hours',
        priceOf(p.mwaa.additionalWorkerHour, o.environmentClass, 'MWAA class'),
      ),
    );
  }

  // Lambda
  const gbSeconds = (memMiB: number, ms: number, count: number) => (memMiB / 1024) * (ms / 1000) * count;
  const batch = Math.max(
    1,
    Math.min(
      config.processor.batchSize,
      workload.eventsPerSecond * config.processor.maxBatchingWindowSeconds,
    ),
  );
  const processorInvocations = events / batch;
  const processorMs = (workload.processorBatchMs ?? 150) + (workload.processorRecordMs ?? 3) * batch;
  const pullRuns = (30 * 24 * 60) / config.pullSchedule.rateMinutes;
  const lambdaGbs =
    gbSeconds(INGEST_MEMORY_MIB, workload.httpMs ?? 60, apiRequests) +
    gbSeconds(config.processor.memorySizeMiB, processorMs, processorInvocations) +
    gbSeconds(INGEST_MEMORY_MIB, 3_000, pullRuns);
  lines.push(line('Lambda', 'compute (arm64)', lambdaGbs, 'GB-seconds', p.lambda.arm64GbSecond));
  lines.push(
    line(
      'Lambda',
      'requests',
      (apiRequests + processorInvocations + pullRuns) / 1e6,
      'million requests',
      p.lambda.requestsMillion,
    ),
  );

  const pollers = config.processor.provisionedPollers;
  if (pollers) {
    lines.push(
      line(
        'Lambda',
        `${pollers.minimum} provisioned Kafka poller(s) (minimum)`,
        pollers.minimum * h,
        'EPU-hours',
        p.lambda.eventPollerUnitHour,
      ),
    );
  }

  // API Gateway and WAF
  lines.push(
    line(
      'API Gateway',
      'REST requests',
      apiRequests / 1e6,
      'million requests',
      p.apiGateway.restRequestsMillion,
    ),
  );
  if (config.api.waf) {
    lines.push(line('WAF', 'web ACL', 1, 'ACL-month', p.waf.webAclMonth));
    lines.push(line('WAF', `${WAF_RULES} rules`, WAF_RULES, 'rule-month', p.waf.ruleMonth));
    lines.push(line('WAF', 'requests', apiRequests / 1e6, 'million requests', p.waf.requestsMillion));
  }

  // Network
  const n = config.network;
  lines.push(
    line('VPC', `${n.natGateways} NAT gateway(s)`, n.natGateways * h, 'NAT-hours', p.vpc.natGatewayHour),
  );
  lines.push(
    line(
      'VPC',
      `${INTERFACE_ENDPOINTS} interface endpoints × ${n.maxAzs} AZs`,
      INTERFACE_ENDPOINTS * n.maxAzs * h,
      'endpoint-AZ-hours',
      p.vpc.interfaceEndpointAzHour,
    ),
  );
  lines.push(
    line(
      'VPC',
      'endpoint data (Keyspaces writes)',
      (events * KEYSPACES_TABLES_PER_EVENT * (workload.rowKb ?? 0.8)) / 1024 ** 2,
      'GB',
      p.vpc.interfaceEndpointGb,
    ),
  );

  // Observability and the rest
  const brokers = config.streaming.kind === 'provisioned' ? config.streaming.brokerCount : 0;
  lines.push(line('CloudWatch', 'dashboard', 1, 'dashboard-month', p.cloudwatch.dashboardMonth));
  lines.push(
    line(
      'CloudWatch',
      'alarm metrics',
      ALARM_METRICS_BASE + brokers,
      'metric-month',
      p.cloudwatch.alarmMetricMonth,
    ),
  );
  lines.push(
    line(
      'CloudWatch',
      'custom metrics (EMF)',
      CUSTOM_METRICS,
      'metric-month',
      p.cloudwatch.customMetricMonth,
    ),
  );
  lines.push(
    line(
      'CloudWatch',
      'logs ingested',
      (events * (workload.logKbPerEvent ?? 1)) / 1024 ** 2,
      'GB',
      p.cloudwatch.logsIngestedGb,
    ),
  );
  lines.push(
    line('Secrets Manager', `${SECRETS} secrets`, SECRETS, 'secret-month', p.secretsManager.secretMonth),
  );
  lines.push(line('KMS', `${KMS_KEYS} customer managed keys`, KMS_KEYS, 'key-month', p.kms.keyMonth));
  return lines;
}

/** Sum of the lines, by service and in total. */
export function summarize(lines: readonly CostLine[]): { byService: Map<string, number>; total: number } {
  const byService = new Map<string, number>();
  for (const l of lines) byService.set(l.service, (byService.get(l.service) ?? 0) + l.monthlyUsd);
  return { byService, total: lines.reduce((sum, l) => sum + l.monthlyUsd, 0) };
}
