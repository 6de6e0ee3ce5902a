import type { ResolvedStageConfig } from '../../bin/config/index.js';
import { STORED_STATE_TABLES } from '../../lambdas/processor/sinks/cassandra/cassandra-stored-state.js';
import { cassandraTablesOf } from '../../lambdas/shared/schema/cassandra/index.js';
import { LIMITS, rdsInstanceClass } from '../capacity/limits.js';
import { HOURS_PER_MONTH, SECONDS_PER_MONTH, UNIT_PRICES, type UnitPrice } from './unit-prices.js';

/** Workload assumptions of the estimate. */
export interface Workload {
  /** Users created per second through the API (and other producers), on average over the month. */
  readonly eventsPerSecond: number;
  /** Share of `eventsPerSecond` that arrives through the REST API. The scheduled pull adds its own events. @default 1 */
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
  /** Lambda log bytes per event across all functions, KB. @default 1 */
  readonly logKbPerEvent?: number;
  /** API Gateway access log entry (jsonWithStandardFields), KB. @default 0.5 */
  readonly accessLogKbPerRequest?: number;
  /** MSK broker logs (INFO) per broker, GB per month. An assumption, not a measurement. @default 1 */
  readonly brokerLogGbPerBrokerMonth?: number;
  /** MWAA logs (five log types at INFO), GB per month. An assumption, not a measurement. @default 3 */
  readonly mwaaLogGbMonth?: number;
  /** VPC flow log records per network interface and hour (ALL traffic, 10-minute aggregation). @default 60 */
  readonly flowLogRecordsPerEniHour?: number;
  /** Month of the table's life whose Keyspaces storage is billed (without TTL storage grows). @default 12 */
  readonly keyspacesMonth?: number;
  /**
   * Default TTL of the Keyspaces user tables, days; 0 = none (rows stay until erased).
   * @default the stage's `retention.userRowsTtlDays`
   */
  readonly userRowsTtlDays?: number;
  /**
   * TTL metadata per row, KB: Keyspaces adds an expiration timestamp to every cell of a table with TTL and
   * documents no byte count; ~14 cells × 8 bytes is an assumption, not a measurement. @default 0.1
   */
  readonly ttlRowOverheadKb?: number;
  /** reconcile_stores sample size (point reads per run). @default 200 */
  readonly reconcileSampleSize?: number;
  /**
   * Countries whose signups an hourly reconcile_stores window holds: live signups carry the day of signup, so
   * a run reads each one's (today, country) in every bucket. @default 50
   */
  readonly countriesPerRun?: number;
}

/** One line of the estimate. */
export interface CostLine {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly monthlyUsd: number;
  /** The unit price could not be confirmed against a source (see unit-prices.ts). */
  readonly unconfirmed: boolean;
}

/** Serialized event size in Kafka, KB. */
export const DEFAULT_EVENT_KB = 1.5;
/** Keyspaces row size, KB (see {@link Workload.rowKb}). */
const DEFAULT_ROW_KB = 0.8;
/** Processor duration per batch besides the per-record work (store round trips), ms: an assumption. */
export const DEFAULT_PROCESSOR_BATCH_MS = 150;
/** ingest-http duration per request (validate, produce with acks=all), ms: an assumption. */
export const DEFAULT_HTTP_MS = 60;
/** Memory of the ingestion Lambdas, as lib/constructs/ingestion sets it. */
export const INGEST_MEMORY_MIB = 512;
/** Keyspaces tables every event is written to: created_users and the day table (and the legacy one while a stage upgrades). */
export function keyspacesTablesPerEvent(config: ResolvedStageConfig): number {
  return cassandraTablesOf(config.signupDayTable).length;
}
/** Interface VPC endpoints of lib/constructs/network. */
export const INTERFACE_ENDPOINTS = 6;
/** Alarms of lib/constructs/observability and the metrics in them (MSK alarm: one per broker). */
export const ALARM_METRICS_BASE = 14;
/** Custom EMF metrics (metric names × the `service` dimension). */
export const CUSTOM_METRICS = 23;
/** Secrets: database secret + Airflow variables/connections (incl. the dead-letter retention variable). */
export const SECRETS = 7;
/** Customer managed KMS keys (MSK, failure queues, alarm topic). */
export const KMS_KEYS = 3;
/** WAF rules (3 managed groups + rate limit). */
export const WAF_RULES = 4;
/** X-Ray's default sampling rule: the first request each second, then 5 % of the rest. */
export const XRAY_RESERVOIR_PER_SECOND = 1;
export const XRAY_FIXED_RATE = 0.05;
/** Size of one VPC flow log record in the default format, bytes. */
export const FLOW_LOG_RECORD_BYTES = 150;
/** Lambda Hyperplane ENIs per AZ (one per subnet × security group in use) and MWAA's ENIs: estimates. */
export const LAMBDA_ENIS_PER_AZ = 2;
export const MWAA_ENIS = 4;
/** reconcile_stores runs hourly; each run reads every bucket of each (signup_day, country) of its window. */
export const RECONCILE_RUNS_PER_MONTH = SECONDS_PER_MONTH / 3600;
/** Keyspaces read request unit size, KB (LOCAL_QUORUM). */
export const KEYSPACES_RRU_KB = 4;

function line(service: string, item: string, quantity: number, unit: string, price: UnitPrice): CostLine {
  return {
    service,
    item,
    quantity,
    unit,
    unitPrice: price.usd,
    monthlyUsd: quantity * price.usd,
    unconfirmed: price.unconfirmed === true,
  };
}

function priceOf(table: Readonly<Record<string, UnitPrice>>, key: string, what: string): UnitPrice {
  const found = table[key];
  if (found === undefined)
    throw new Error(`no unit price for ${what} ${key}; add it to planning/cost/unit-prices.ts`);
  return found;
}

/** Everything the lines are computed from: the stage, the workload and the derived monthly volumes. */
interface Volumes {
  readonly config: ResolvedStageConfig;
  readonly workload: Workload;
  /** Events produced by the API (and other producers) per month. */
  readonly requestEvents: number;
  /** Events the scheduled pull adds per month (from the stage's schedule). */
  readonly pullEvents: number;
  /** Every event written to Kafka and both stores. */
  readonly events: number;
  readonly apiRequests: number;
  readonly pullRuns: number;
  readonly processorInvocations: number;
  readonly processorBatch: number;
  readonly eventGb: number;
}

function volumes(config: ResolvedStageConfig, workload: Workload): Volumes {
  const requestEvents = workload.eventsPerSecond * SECONDS_PER_MONTH;
  const pullRuns = config.pullSchedule.enabled ? SECONDS_PER_MONTH / 60 / config.pullSchedule.rateMinutes : 0;
  const pullEvents = pullRuns * config.pullSchedule.count;
  const events = requestEvents + pullEvents;
  const perSecond = events / SECONDS_PER_MONTH;
  const processorBatch = Math.max(
    1,
    Math.min(config.processor.batchSize, perSecond * config.processor.maxBatchingWindowSeconds),
  );
  return {
    config,
    workload,
    requestEvents,
    pullEvents,
    events,
    apiRequests: (requestEvents * (workload.apiShare ?? 1)) / (workload.usersPerRequest ?? 1),
    pullRuns,
    processorInvocations: events / processorBatch,
    processorBatch,
    eventGb: (events * (workload.eventKb ?? DEFAULT_EVENT_KB)) / 1024 ** 2,
  };
}

/**
 * Monthly cost of one stage at a steady event rate, line by line. Only `aws` stages have a cost; the
 * LocalStack stage returns no lines.
 */
export function estimateMonthlyCost(config: ResolvedStageConfig, workload: Workload): CostLine[] {
  if (config.target !== 'aws') return [];
  const v = volumes(config, workload);
  return [
    ...mskLines(v),
    ...rdsLines(v),
    ...keyspacesLines(v),
    ...mwaaLines(v),
    ...lambdaLines(v),
    ...apiLines(v),
    ...networkLines(v),
    ...xrayLines(v),
    ...logLines(v),
    ...otherLines(v),
  ];
}

function mskLines({ config, eventGb }: Volumes): CostLine[] {
  const p = UNIT_PRICES.msk;
  const h = HOURS_PER_MONTH;
  if (config.streaming.kind === 'provisioned') {
    const s = config.streaming;
    return [
      line(
        'MSK',
        `${s.brokerCount} × ${s.brokerInstanceType}`,
        s.brokerCount * h,
        'broker-hours',
        priceOf(p.brokerHour, s.brokerInstanceType, 'broker type'),
      ),
      line(
        'MSK',
        `EBS ${s.volumeSizeGiB} GB × ${s.brokerCount}`,
        s.volumeSizeGiB * s.brokerCount,
        'GB-month',
        p.storageGbMonth,
      ),
    ];
  }
  return [
    line('MSK Serverless', 'cluster', h, 'cluster-hours', p.serverless.clusterHour),
    line(
      'MSK Serverless',
      `${config.topic.partitions} partitions`,
      config.topic.partitions * h,
      'partition-hours',
      p.serverless.partitionHour,
    ),
    line('MSK Serverless', 'data in', eventGb, 'GB', p.serverless.dataInGb),
    line('MSK Serverless', 'data out', eventGb, 'GB', p.serverless.dataOutGb),
  ];
}

function rdsLines({ config }: Volumes): CostLine[] {
  const p = UNIT_PRICES.rds;
  const db = config.database;
  const dbClass = `db.${db.instanceType}`;
  const azFactor = db.multiAz ? 2 : 1;
  const proxyVcpus = Math.max(2, rdsInstanceClass(db.instanceType).vcpus);
  return [
    line(
      'RDS PostgreSQL',
      `${dbClass}${db.multiAz ? ' Multi-AZ' : ''}`,
      HOURS_PER_MONTH * azFactor,
      'instance-hours',
      priceOf(p.instanceHour, dbClass, 'DB class'),
    ),
    line(
      'RDS PostgreSQL',
      `gp3 ${db.allocatedStorageGiB} GB`,
      db.allocatedStorageGiB * azFactor,
      'GB-month',
      p.gp3GbMonth,
    ),
    line('RDS Proxy', `${proxyVcpus} vCPU`, proxyVcpus * HOURS_PER_MONTH, 'vCPU-hours', p.proxyVcpuHour),
  ];
}

/** TTL metadata per row when the tables have a TTL, KB (see {@link Workload.ttlRowOverheadKb}). */
const DEFAULT_TTL_ROW_OVERHEAD_KB = 0.1;

/** The user tables' TTL in days: the workload's, else the stage's (`retention.userRowsTtlDays`). */
function userRowsTtlDaysOf(config: ResolvedStageConfig, workload: Workload): number {
  return workload.userRowsTtlDays ?? config.retention.userRowsTtlDays;
}

/**
 * Keyspaces: on-demand writes of every event (API and scheduled pull) to both tables, the stored state the
 * processor reads before writing creates (one single-partition LOCAL_QUORUM read of created_users and one of
 * user_tombstones per user, each a row under 4 KB: one RRU, a read that finds no row too), the DAGs' reads, and storage in month
 * `keyspacesMonth` of the table's life: without TTL storage grows by one month of rows every month, with the
 * stage's TTL (`retention.userRowsTtlDays`) it levels off at the rows of the last TTL; see
 * {@link keyspacesStorageGrowth}. Erasures are few: their reads and writes are not counted.
 */
function keyspacesLines({ config, events, workload }: Volumes): CostLine[] {
  const p = UNIT_PRICES.keyspaces;
  const rowKb = workload.rowKb ?? DEFAULT_ROW_KB;
  const tables = keyspacesTablesPerEvent(config);
  const writeUnits = events * tables * Math.max(1, Math.ceil(rowKb));
  const month = workload.keyspacesMonth ?? 12;
  const ttlDays = userRowsTtlDaysOf(config, workload);
  const storedGb = keyspacesStorageGb(events, rowKb, month, tables, ttlDays, workload.ttlRowOverheadKb);
  const ttl = ttlDays > 0 ? `TTL ${ttlDays} days` : 'no TTL';
  return [
    line(
      'Keyspaces',
      `on-demand writes (${tables} tables, API + pull)`,
      writeUnits / 1e6,
      'million WRU',
      p.writeRequestUnitsMillion,
    ),
    line(
      'Keyspaces',
      `stored-state reads before writes (${STORED_STATE_TABLES.length} reads per user)`,
      (events * STORED_STATE_TABLES.length * Math.max(1, Math.ceil(rowKb / KEYSPACES_RRU_KB))) / 1e6,
      'million RRU',
      p.readRequestUnitsMillion,
    ),
    line(
      'Keyspaces',
      `reconcile_stores reads (hourly, ${config.signupDayTable.buckets} buckets per day and country)`,
      dagReadUnits(events, workload, config.signupDayTable.buckets) / 1e6,
      'million RRU',
      p.readRequestUnitsMillion,
    ),
    line('Keyspaces', `storage in month ${month} (${ttl})`, storedGb, 'GB-month', p.storageGbMonth),
    line('Keyspaces', `PITR in month ${month}`, storedGb, 'GB-month', p.pitrGbMonth),
  ];
}

/**
 * GB stored at the end of month `month` when each month adds `eventsPerMonth` rows to each of `tables` tables:
 * all of them without TTL, only those of the last `ttlDays` with one (each row a little larger: its TTL
 * metadata).
 */
function keyspacesStorageGb(
  eventsPerMonth: number,
  rowKb: number,
  month: number,
  tables: number,
  ttlDays = 0,
  ttlRowOverheadKb = DEFAULT_TTL_ROW_OVERHEAD_KB,
): number {
  const monthsKept = ttlDays > 0 ? Math.min(month, (ttlDays * 86_400) / SECONDS_PER_MONTH) : month;
  const kbPerRow = ttlDays > 0 ? rowKb + ttlRowOverheadKb : rowKb;
  return (eventsPerMonth * monthsKept * tables * kbPerRow) / 1024 ** 2;
}

/**
 * Read request units of reconcile_stores per month: the window's day-table rows (at worst one 4 KB unit each:
 * a row is ~0.3 KB), plus, per hourly run, one read of every bucket of each (today, country) the window holds
 * (an empty or partly filled partition still costs a unit), plus one point read of created_users per sampled
 * id. No DAG scans a table (mwaa-dags/tests enforces it).
 */
export function dagReadUnits(eventsPerMonth: number, workload: Workload, buckets = 1): number {
  const sample = workload.reconcileSampleSize ?? 200;
  const pointReadUnits = Math.max(1, Math.ceil((workload.rowKb ?? DEFAULT_ROW_KB) / KEYSPACES_RRU_KB));
  const rowsPerRun = eventsPerMonth / RECONCILE_RUNS_PER_MONTH;
  const partitionsPerRun = Math.min(rowsPerRun, workload.countriesPerRun ?? 50) * buckets;
  return eventsPerMonth + RECONCILE_RUNS_PER_MONTH * (partitionsPerRun + sample * pointReadUnits);
}

function mwaaLines({ config }: Volumes): CostLine[] {
  const p = UNIT_PRICES.mwaa;
  const o = config.orchestration;
  const lines = [
    line(
      'MWAA',
      o.environmentClass,
      HOURS_PER_MONTH,
      'environment-hours',
      priceOf(p.environmentHour, o.environmentClass, 'MWAA class'),
    ),
  ];
  const extraWorkers = Math.max(0, o.minWorkers - 1);
  if (extraWorkers > 0) {
    lines.push(
      line(
        'MWAA',
        `${extraWorkers} additional min workers`,
        extraWorkers * HOURS_PER_MONTH,
        'worker-hours',
        priceOf(p.additionalWorkerHour, o.environmentClass, 'MWAA class'),
      ),
    );
  }
  return lines;
}

function lambdaLines(v: Volumes): CostLine[] {
  const p = UNIT_PRICES.lambda;
  const { config, workload } = v;
  const gbSeconds = (memMiB: number, ms: number, count: number) => (memMiB / 1024) * (ms / 1000) * count;
  const processorMs =
    (workload.processorBatchMs ?? DEFAULT_PROCESSOR_BATCH_MS) +
    (workload.processorRecordMs ?? 3) * v.processorBatch;
  const lambdaGbs =
    gbSeconds(INGEST_MEMORY_MIB, workload.httpMs ?? DEFAULT_HTTP_MS, v.apiRequests) +
    gbSeconds(config.processor.memorySizeMiB, processorMs, v.processorInvocations) +
    gbSeconds(INGEST_MEMORY_MIB, 3_000, v.pullRuns);
  const lines = [
    line('Lambda', 'compute (arm64)', lambdaGbs, 'GB-seconds', p.arm64GbSecond),
    line(
      'Lambda',
      'requests',
      (v.apiRequests + v.processorInvocations + v.pullRuns) / 1e6,
      'million requests',
      p.requestsMillion,
    ),
  ];
  const pollers = config.processor.provisionedPollers;
  if (pollers) {
    const running = pollersRunning(v);
    lines.push(
      line(
        'Lambda',
        `${running} provisioned Kafka poller(s) (minimum ${pollers.minimum}; ${LIMITS.kafkaPollerMBps.value} MB/s each)`,
        running * HOURS_PER_MONTH,
        'EPU-hours',
        p.eventPollerUnitHour,
      ),
    );
  }
  return lines;
}

/**
 * Pollers the mapping keeps at the average rate: its minimum, or as many as the traffic needs at one
 * poller's 5 MB/s (provisioned mode scales between the minimum and the maximum), whichever is more.
 */
function pollersRunning({ config, events, workload }: Volumes): number {
  const pollers = config.processor.provisionedPollers;
  if (!pollers) return 0;
  const megabytesPerSecond = ((events / SECONDS_PER_MONTH) * (workload.eventKb ?? DEFAULT_EVENT_KB)) / 1024;
  const needed = Math.ceil(megabytesPerSecond / LIMITS.kafkaPollerMBps.value);
  return Math.min(pollers.maximum, Math.max(pollers.minimum, needed));
}

function apiLines({ config, apiRequests }: Volumes): CostLine[] {
  const lines = [
    line(
      'API Gateway',
      'REST requests',
      apiRequests / 1e6,
      'million requests',
      UNIT_PRICES.apiGateway.restRequestsMillion,
    ),
  ];
  if (config.api.waf) {
    const p = UNIT_PRICES.waf;
    lines.push(line('WAF', 'web ACL', 1, 'ACL-month', p.webAclMonth));
    lines.push(line('WAF', `${WAF_RULES} rules`, WAF_RULES, 'rule-month', p.ruleMonth));
    lines.push(line('WAF', 'requests', apiRequests / 1e6, 'million requests', p.requestsMillion));
  }
  return lines;
}

function networkLines({ config, events, workload }: Volumes): CostLine[] {
  const p = UNIT_PRICES.vpc;
  const h = HOURS_PER_MONTH;
  const n = config.network;
  return [
    line('VPC', `${n.natGateways} NAT gateway(s)`, n.natGateways * h, 'NAT-hours', p.natGatewayHour),
    line(
      'VPC',
      `${n.natGateways} NAT public IPv4 address(es)`,
      n.natGateways * h,
      'IP-hours',
      p.publicIpv4Hour,
    ),
    line(
      'VPC',
      `${INTERFACE_ENDPOINTS} interface endpoints × ${n.maxAzs} AZs`,
      INTERFACE_ENDPOINTS * n.maxAzs * h,
      'endpoint-AZ-hours',
      p.interfaceEndpointAzHour,
    ),
    line(
      'VPC',
      'endpoint data (Keyspaces writes)',
      (events * keyspacesTablesPerEvent(config) * (workload.rowKb ?? DEFAULT_ROW_KB)) / 1024 ** 2,
      'GB',
      p.interfaceEndpointGb,
    ),
  ];
}

/** Traces X-Ray's default rule records at `perSecond` requests per second (reservoir + fixed rate). */
export function sampledTracesPerSecond(perSecond: number): number {
  const reservoir = Math.min(perSecond, XRAY_RESERVOIR_PER_SECOND);
  return reservoir + XRAY_FIXED_RATE * Math.max(0, perSecond - reservoir);
}

/**
 * X-Ray: active tracing on the REST API (its trace continues into ingest-http), the processor and the pull
 * Lambda. Each entry point samples on its own.
 */
function xrayLines(v: Volumes): CostLine[] {
  const perMonth = (count: number) => sampledTracesPerSecond(count / SECONDS_PER_MONTH) * SECONDS_PER_MONTH;
  const traces = perMonth(v.apiRequests) + perMonth(v.processorInvocations) + perMonth(v.pullRuns);
  return [
    line(
      'X-Ray',
      'traces recorded (API, processor, pull)',
      traces / 1e6,
      'million traces',
      UNIT_PRICES.xray.tracesRecordedMillion,
    ),
  ];
}

/** Network interfaces whose traffic the VPC flow log records (estimate from the stage's layout). */
function flowLogEnis(config: ResolvedStageConfig): number {
  const n = config.network;
  const brokers = config.streaming.kind === 'provisioned' ? config.streaming.brokerCount : n.maxAzs;
  const rds = config.database.multiAz ? 2 : 1;
  return (
    n.natGateways +
    INTERFACE_ENDPOINTS * n.maxAzs +
    brokers +
    rds +
    n.maxAzs +
    LAMBDA_ENIS_PER_AZ * n.maxAzs +
    MWAA_ENIS
  );
}

function logLines({ config, events, apiRequests, workload }: Volumes): CostLine[] {
  const p = UNIT_PRICES.cloudwatch;
  const brokers = config.streaming.kind === 'provisioned' ? config.streaming.brokerCount : 0;
  const enis = flowLogEnis(config);
  const flowGb =
    (enis * (workload.flowLogRecordsPerEniHour ?? 60) * HOURS_PER_MONTH * FLOW_LOG_RECORD_BYTES) / 1024 ** 3;
  const lines = [
    line(
      'CloudWatch',
      'Lambda logs ingested',
      (events * (workload.logKbPerEvent ?? 1)) / 1024 ** 2,
      'GB',
      p.logsIngestedGb,
    ),
    line(
      'CloudWatch',
      'API Gateway access logs',
      (apiRequests * (workload.accessLogKbPerRequest ?? 0.5)) / 1024 ** 2,
      'GB',
      p.logsIngestedGb,
    ),
    line('CloudWatch', `VPC flow logs (${enis} ENIs)`, flowGb, 'GB', p.vendedLogsGb),
    line('CloudWatch', 'MWAA logs ingested', workload.mwaaLogGbMonth ?? 3, 'GB', p.logsIngestedGb),
  ];
  if (brokers > 0)
    lines.push(
      line(
        'CloudWatch',
        'MSK broker logs',
        brokers * (workload.brokerLogGbPerBrokerMonth ?? 1),
        'GB',
        p.logsIngestedGb,
      ),
    );
  return lines;
}

function otherLines({ config }: Volumes): CostLine[] {
  const p = UNIT_PRICES.cloudwatch;
  const brokers = config.streaming.kind === 'provisioned' ? config.streaming.brokerCount : 0;
  return [
    line('CloudWatch', 'dashboard', 1, 'dashboard-month', p.dashboardMonth),
    line('CloudWatch', 'alarm metrics', ALARM_METRICS_BASE + brokers, 'metric-month', p.alarmMetricMonth),
    line('CloudWatch', 'custom metrics (EMF)', CUSTOM_METRICS, 'metric-month', p.customMetricMonth),
    line(
      'Secrets Manager',
      `${SECRETS} secrets`,
      SECRETS,
      'secret-month',
      UNIT_PRICES.secretsManager.secretMonth,
    ),
    line('KMS', `${KMS_KEYS} customer managed keys`, KMS_KEYS, 'key-month', UNIT_PRICES.kms.keyMonth),
  ];
}

/** One month of Keyspaces storage + PITR, without TTL and with the TTL considered. */
export interface KeyspacesStorageMonth {
  readonly month: number;
  readonly gb: number;
  readonly monthlyUsd: number;
  readonly withTtl: { readonly gb: number; readonly monthlyUsd: number };
}

/**
 * Keyspaces storage + PITR per month for months 1..`months`: without TTL (each month adds its rows) and with a
 * TTL of `ttlDays` (rows older than the TTL expire, so storage levels off after it).
 *
 * @param ttlDays the TTL to compare with @default the workload's or the stage's, else 90 days (the default
 * of bin/config, to show the option on a stage without TTL such as prod)
 */
export function keyspacesStorageGrowth(
  config: ResolvedStageConfig,
  workload: Workload,
  months = 12,
  ttlDays = userRowsTtlDaysOf(config, workload) || DEFAULT_TTL_OPTION_DAYS,
): KeyspacesStorageMonth[] {
  const { events } = volumes(config, workload);
  const rowKb = workload.rowKb ?? DEFAULT_ROW_KB;
  const perGb = UNIT_PRICES.keyspaces.storageGbMonth.usd + UNIT_PRICES.keyspaces.pitrGbMonth.usd;
  return Array.from({ length: months }, (_, i) => {
    const tables = keyspacesTablesPerEvent(config);
    const gb = keyspacesStorageGb(events, rowKb, i + 1, tables);
    const ttlGb = keyspacesStorageGb(events, rowKb, i + 1, tables, ttlDays, workload.ttlRowOverheadKb);
    return { month: i + 1, gb, monthlyUsd: gb * perGb, withTtl: { gb: ttlGb, monthlyUsd: ttlGb * perGb } };
  });
}

/** The TTL the growth table compares with on a stage that has none: the default of bin/config. */
export const DEFAULT_TTL_OPTION_DAYS = 90;

/** Sum of the lines, by service and in total. */
export function summarize(lines: readonly CostLine[]): { byService: Map<string, number>; total: number } {
  const byService = new Map<string, number>();
  for (const l of lines) byService.set(l.service, (byService.get(l.service) ?? 0) + l.monthlyUsd);
  return { byService, total: lines.reduce((sum, l) => sum + l.monthlyUsd, 0) };
}
