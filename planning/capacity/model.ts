import { type BenchResults, ceilingsOf } from '../../bench/harness/results.js';
import type { ResolvedStageConfig } from '../../bin/config/index.js';
import { STORED_STATE_TABLES } from '../../lambdas/processor/sinks/cassandra/cassandra-stored-state.js';
import { cassandraTablesOf } from '../../lambdas/shared/schema/cassandra/index.js';
import { DEFAULT_EVENT_KB, DEFAULT_HTTP_MS, DEFAULT_PROCESSOR_BATCH_MS } from '../cost/model.js';
import { LIMITS, rdsInstanceClass, type ServiceLimit } from './limits.js';

/** How many PostgreSQL upserts one CPU-second of the server carries, and where the figure comes from. */
export interface PostgresWriteFigure {
  readonly upsertsPerCpuSecond: number;
  /** e.g. 'bench 2026-12-06: the processor's upsert, server CPU measured'. */
  readonly basis: string;
}

/** What the capacity of a stage is computed for. */
export interface CapacityInputs {
  /** Processor CPU per record, µs of one vCPU (from the bench: see {@link cpuMicrosPerRecordFromBench}). */
  readonly cpuMicrosPerRecord: number;
  /** PostgreSQL upserts per CPU-second of the server (from the bench: {@link postgresWriteFigureFromBench}). */
  readonly postgres: PostgresWriteFigure;
  /** Serialized event size in Kafka, KB. @default DEFAULT_EVENT_KB */
  readonly eventKb?: number;
  /** Share of events arriving through the REST API. @default 1 */
  readonly apiShare?: number;
  /** Users per API request. @default 1 */
  readonly usersPerRequest?: number;
  /**
   * Share of a day's signups from the busiest country: live signups carry today's registration date, so they
   * all fall in that (signup_day, country), spread over the day table's buckets. @default 1 (worst case)
   */
  readonly busiestCountryShare?: number;
  /** Store round trips of one processor invocation, ms (same assumption as the cost model). */
  readonly invocationOverheadMs?: number;
  /** ingest-http duration per request, ms (same assumption as the cost model). */
  readonly httpMs?: number;
}

/** One limit's ceiling in events per second and the stage setting that moves it. */
export interface Ceiling {
  readonly name: string;
  readonly eventsPerSecond: number;
  /** Setting(s) to change when this limit binds. */
  readonly setting: string;
  /** How the figure was derived. */
  readonly detail: string;
  /** Where the limit comes from: documented limits, stage settings, or measured estimates. */
  readonly sources: readonly string[];
}

export interface CapacityReport {
  readonly stage: string;
  /** Every ceiling, lowest first: the order in which the walls bind as the rate grows. */
  readonly ceilings: readonly Ceiling[];
  /** The lowest ceiling: the throughput the stage can carry. */
  readonly binding: Ceiling;
  /** Facts worth knowing at the rate asked for that are not a steady-state ceiling. */
  readonly notes: readonly string[];
}

/** Share of an RDS instance's CPU the write path may use: autovacuum, checkpoints, the DAGs' reads get the rest. */
export const RDS_WRITE_CPU_SHARE = 0.5;
/** Keyspaces write units per row: every row of both tables is under 1 KB (cost model DEFAULT_ROW_KB 0.8). */
const WRU_PER_ROW = 1;

const cited = (limit: ServiceLimit) =>
  `${limit.source}, cited ${limit.asOf}${limit.unconfirmed ? ' (unconfirmed)' : ''}`;
const setting = (name: string) => `stage setting ${name} (bin/config)`;
const num = (n: number) => Math.round(n).toLocaleString('en-US');

/** Throughput of the processor per concurrent invocation, records/s, and the invocation's duration. */
export function processorRecordsPerSecond(config: ResolvedStageConfig, inputs: CapacityInputs) {
  const vcpu = Math.min(1, config.processor.memorySizeMiB / LIMITS.lambdaMiBPerVcpu.value);
  const batch = config.processor.batchSize;
  const cpuMs = (batch * inputs.cpuMicrosPerRecord) / 1000 / vcpu;
  const invocationMs = (inputs.invocationOverheadMs ?? DEFAULT_PROCESSOR_BATCH_MS) + cpuMs;
  return { vcpu, cpuMs, invocationMs, perInvocation: (batch * 1000) / invocationMs };
}

/** Processor invocations that can run at once: one per partition, at most the reserved concurrency. */
export function processorConcurrency(config: ResolvedStageConfig): number {
  return Math.min(
    config.topic.partitions * LIMITS.kafkaInvocationsPerPartition.value,
    config.processor.reservedConcurrency,
  );
}

/** Keyspaces hosts the driver sees: one per VPC endpoint network interface, i.e. per AZ. */
function keyspacesHosts(config: ResolvedStageConfig): number {
  return config.network.maxAzs;
}

/** RDS for PostgreSQL default max_connections of the stage's instance class. */
export function postgresMaxConnections(config: ResolvedStageConfig): number {
  const { memoryGiB } = rdsInstanceClass(config.database.instanceType);
  return Math.min(
    Math.floor((memoryGiB * 1024 ** 3) / LIMITS.postgresBytesPerConnection.value),
    LIMITS.postgresMaxConnectionsCap.value,
  );
}

/** Events per second through the API for `requestsPerSecond` requests. */
function apiEvents(requestsPerSecond: number, inputs: CapacityInputs): number {
  const share = inputs.apiShare ?? 1;
  return share > 0 ? (requestsPerSecond * (inputs.usersPerRequest ?? 1)) / share : Number.POSITIVE_INFINITY;
}

function apiShape(inputs: CapacityInputs): string {
  return `${inputs.usersPerRequest ?? 1} user(s)/request, API share ${inputs.apiShare ?? 1}`;
}

/** The walls in front of the topic: API Gateway's stage and account throttles, Lambda concurrency. */
function ingestionCeilings(config: ResolvedStageConfig, inputs: CapacityInputs): Ceiling[] {
  const { api, accountQuotas } = config;
  const httpSeconds = (inputs.httpMs ?? DEFAULT_HTTP_MS) / 1000;
  const unreserved = accountQuotas.lambdaConcurrentExecutions - config.processor.reservedConcurrency;
  return [
    {
      name: 'API Gateway stage throttle',
      eventsPerSecond: apiEvents(api.throttleRateLimit, inputs),
      setting: 'api.throttleRateLimit',
      detail: `${num(api.throttleRateLimit)} requests/s × ${apiShape(inputs)}`,
      sources: [setting('api.throttleRateLimit')],
    },
    {
      name: 'API Gateway account throttle (per Region)',
      eventsPerSecond: apiEvents(accountQuotas.apiGatewayRequestsPerSecond, inputs),
      setting: 'accountQuotas.apiGatewayRequestsPerSecond (after a Service Quotas increase of L-8A5B8E43)',
      detail:
        `${num(accountQuotas.apiGatewayRequestsPerSecond)} requests/s for every API of the account in the Region ` +
        `(default ${num(LIMITS.apiGatewayAccountRps.value)}) × ${apiShape(inputs)}`,
      sources: [cited(LIMITS.apiGatewayAccountRps), setting('accountQuotas.apiGatewayRequestsPerSecond')],
    },
    {
      name: 'Lambda account concurrency (ingest-http)',
      eventsPerSecond: apiEvents(unreserved / httpSeconds, inputs),
      setting: 'accountQuotas.lambdaConcurrentExecutions (Service Quotas), processor.reservedConcurrency',
      detail:
        `${num(unreserved)} unreserved executions (${num(accountQuotas.lambdaConcurrentExecutions)} − the ` +
        `processor's ${config.processor.reservedConcurrency}) / ${inputs.httpMs ?? DEFAULT_HTTP_MS} ms per request ` +
        `× ${apiShape(inputs)}`,
      sources: [
        cited(LIMITS.lambdaConcurrentExecutions),
        setting('accountQuotas.lambdaConcurrentExecutions'),
        `assumption: ${inputs.httpMs ?? DEFAULT_HTTP_MS} ms per ingest-http request (cost model)`,
      ],
    },
  ];
}

/** The event source mapping and the processor: pollers, one invocation per partition, reserved concurrency. */
function processorCeilings(config: ResolvedStageConfig, inputs: CapacityInputs): Ceiling[] {
  const p = processorRecordsPerSecond(config, inputs);
  const eventKb = inputs.eventKb ?? DEFAULT_EVENT_KB;
  const pollers = config.processor.provisionedPollers;
  // A partition is read by one poller: more pollers than partitions add nothing.
  const usablePollers = Math.min(
    pollers ? pollers.maximum : config.topic.partitions,
    config.topic.partitions,
  );
  const invocation =
    `${config.processor.batchSize} records per ${p.invocationMs.toFixed(0)} ms (${inputs.cpuMicrosPerRecord.toFixed(0)} µs ` +
    `CPU/record on ${p.vcpu.toFixed(2)} vCPU + ${(inputs.invocationOverheadMs ?? DEFAULT_PROCESSOR_BATCH_MS).toFixed(0)} ms round trips)`;
  const measured = 'processor CPU per record: the bench (x86); round trips: the cost model assumption';
  return [
    {
      name: 'ESM pollers',
      eventsPerSecond: (usablePollers * LIMITS.kafkaPollerMBps.value * 1024) / eventKb,
      setting: pollers ? 'processor.provisionedPollers.maximum / topic.partitions' : 'topic.partitions',
      detail: `${usablePollers} poller(s) × ${LIMITS.kafkaPollerMBps.value} MB/s at ${eventKb} KB/event`,
      sources: [cited(LIMITS.kafkaPollerMBps), cited(LIMITS.kafkaMaxPollers)],
    },
    {
      name: 'ESM: one invocation per partition',
      eventsPerSecond: config.topic.partitions * p.perInvocation,
      setting: 'topic.partitions, processor.batchSize, processor.memorySizeMiB (CPU)',
      detail: `${config.topic.partitions} partitions × ${invocation}`,
      sources: [cited(LIMITS.kafkaInvocationsPerPartition), cited(LIMITS.lambdaMiBPerVcpu), measured],
    },
    {
      name: 'Lambda reserved concurrency (processor)',
      eventsPerSecond: config.processor.reservedConcurrency * p.perInvocation,
      setting: 'processor.reservedConcurrency',
      detail: `${config.processor.reservedConcurrency} concurrent × ${invocation}`,
      sources: [setting('processor.reservedConcurrency'), cited(LIMITS.lambdaUnreservedMinimum), measured],
    },
  ];
}

/** Keyspaces: the day table's busiest partition, the legacy table while it is written, tables, connections. */
function keyspacesCeilings(config: ResolvedStageConfig, inputs: CapacityInputs): Ceiling[] {
  const share = inputs.busiestCountryShare ?? 1;
  const { buckets, legacyTable } = config.signupDayTable;
  const partitionWcu = LIMITS.keyspacesPartitionWcu.value;
  const busiest = `the busiest country has ${(share * 100).toFixed(0)} % of a day's signups`;
  const tablesPerEvent = cassandraTablesOf(config.signupDayTable).length;
  // Each event: one read per stored-state table (newest-wins is decided before writing), one write per table.
  const requestsPerEvent = tablesPerEvent + STORED_STATE_TABLES.length;
  const connections =
    processorConcurrency(config) * keyspacesHosts(config) * config.processor.keyspacesConnectionsPerHost;
  const ceilings: Ceiling[] = [
    {
      name: 'Keyspaces day-table partition (busiest country)',
      eventsPerSecond: (buckets * partitionWcu) / WRU_PER_ROW / share,
      setting: 'signupDayTable.buckets (a new table: docs/scaling.md)',
      detail: `${buckets} buckets × ${num(partitionWcu)} WCU/s per partition, ${WRU_PER_ROW} WRU per row; ${busiest}`,
      sources: [cited(LIMITS.keyspacesPartitionWcu), setting('signupDayTable.buckets')],
    },
    {
      name: 'Keyspaces table write throughput',
      eventsPerSecond: LIMITS.keyspacesTableWriteUnits.value / WRU_PER_ROW,
      setting: 'the table quota (Service Quotas, Amazon Keyspaces)',
      detail: `${num(LIMITS.keyspacesTableWriteUnits.value)} WRU/s per table; each table takes one row per event`,
      sources: [cited(LIMITS.keyspacesTableWriteUnits)],
    },
    {
      name: 'Keyspaces CQL requests per connection',
      eventsPerSecond: (connections * LIMITS.keyspacesRequestsPerConnection.value) / requestsPerEvent,
      setting: 'processor.keyspacesConnectionsPerHost',
      detail:
        `${processorConcurrency(config)} invocations × ${keyspacesHosts(config)} hosts × ` +
        `${config.processor.keyspacesConnectionsPerHost} connection(s) × ${num(LIMITS.keyspacesRequestsPerConnection.value)} req/s, ` +
        `${requestsPerEvent} requests per event (${STORED_STATE_TABLES.length} reads, ${tablesPerEvent} writes)`,
      sources: [cited(LIMITS.keyspacesRequestsPerConnection)],
    },
  ];
  if (legacyTable !== 'none') {
    ceilings.push({
      name: 'Keyspaces legacy users_by_signup_day partition (upgrade)',
      eventsPerSecond: partitionWcu / WRU_PER_ROW / share,
      setting: 'signupDayTable.legacyTable: finish the upgrade (docs/scaling.md)',
      detail: `still written (${legacyTable}): one (signup_day, country) partition, ${num(partitionWcu)} WCU/s; ${busiest}`,
      sources: [cited(LIMITS.keyspacesPartitionWcu), setting('signupDayTable.legacyTable')],
    });
  }
  return ceilings;
}

/**
 * RDS: write throughput (an estimate: the measured upserts per CPU-second of the local PostgreSQL, scaled to
 * the class's vCPUs at RDS_WRITE_CPU_SHARE), and connections. Each processor container pools PG_POOL_MAX (2)
 * connections through RDS Proxy: a gate, not a rate (Infinity while the pools fit).
 */
function postgresCeilings(
  config: ResolvedStageConfig,
  inputs: CapacityInputs,
  processor: Ceiling,
): Ceiling[] {
  const dbClass = `db.${config.database.instanceType}`;
  const { vcpus } = rdsInstanceClass(config.database.instanceType);
  const available = Math.floor(
    (postgresMaxConnections(config) * LIMITS.rdsProxyMaxConnectionsPercent.value) / 100,
  );
  const needed = processorConcurrency(config) * PROCESSOR_PG_POOL_MAX;
  const scale = Math.min(1, available / needed);
  return [
    {
      name: 'RDS PostgreSQL writes (estimate)',
      eventsPerSecond: inputs.postgres.upsertsPerCpuSecond * vcpus * RDS_WRITE_CPU_SHARE,
      setting: 'database.instanceType',
      detail:
        `${num(inputs.postgres.upsertsPerCpuSecond)} upserts per CPU-second × ${vcpus} vCPU (${dbClass}) × ` +
        `${RDS_WRITE_CPU_SHARE * 100} % of the CPU for writes`,
      sources: [
        `estimate: ${inputs.postgres.basis}; one local x86 core taken as one RDS vCPU`,
        'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html (vCPUs), cited 2026-11-27',
      ],
    },
    {
      name: 'RDS Proxy / instance connections',
      eventsPerSecond: scale >= 1 ? Number.POSITIVE_INFINITY : processor.eventsPerSecond * scale,
      setting: 'database.instanceType (max_connections) or processor.reservedConcurrency',
      detail: `${needed} processor connections needed, ${available} available (${dbClass})`,
      sources: [cited(LIMITS.postgresBytesPerConnection), cited(LIMITS.rdsProxyMaxConnectionsPercent)],
    },
  ];
}

/** Pool size of the processor's PostgreSQL client (lambdas/shared/clients/postgres.ts, PG_POOL_MAX default). */
export const PROCESSOR_PG_POOL_MAX = 2;

/** What binds only in a transition: a new table's warm throughput, Lambda's scaling rate. */
function notesAt(config: ResolvedStageConfig, eventsPerSecond: number, inputs: CapacityInputs): string[] {
  const notes: string[] = [];
  const newTable = LIMITS.keyspacesNewTableWrites.value;
  if (eventsPerSecond * WRU_PER_ROW > newTable)
    notes.push(
      `a new on-demand Keyspaces table takes ${num(newTable)} writes/s at once and grows with the traffic it ` +
        `has seen (${cited(LIMITS.keyspacesNewTableWrites)}): ramp up, or pre-warm the tables (warm throughput) ` +
        'before a launch or a backfill at this rate',
    );
  const httpSeconds = (inputs.httpMs ?? DEFAULT_HTTP_MS) / 1000;
  const environments =
    (eventsPerSecond * (inputs.apiShare ?? 1) * httpSeconds) / (inputs.usersPerRequest ?? 1);
  if (environments > LIMITS.lambdaScalingPer10Seconds.value)
    notes.push(
      `ingest-http needs ~${num(environments)} execution environments: Lambda adds ` +
        `${num(LIMITS.lambdaScalingPer10Seconds.value)} per function every 10 s (${cited(LIMITS.lambdaScalingPer10Seconds)})`,
    );
  const apiEventsPerSecond = eventsPerSecond * (inputs.apiShare ?? 1);
  if (config.api.waf && apiEventsPerSecond > 0) {
    const perIpRequests = config.api.wafRequestsPerIpPer5Minutes / 300;
    const clients = Math.ceil(apiEventsPerSecond / (inputs.usersPerRequest ?? 1) / perIpRequests);
    notes.push(
      `WAF blocks a client IP above ${num(config.api.wafRequestsPerIpPer5Minutes)} requests per 5 minutes ` +
        `(${num(perIpRequests)}/s; api.wafRequestsPerIpPer5Minutes): at this rate the API traffic must come from ` +
        `${num(clients)} or more client IPs, or carry more users per request`,
    );
  }
  if (config.signupDayTable.legacyTable !== 'none')
    notes.push(
      'the stage is upgrading its day table: every event is written to both day tables (docs/scaling.md)',
    );
  return notes;
}

/** Every ceiling of an `aws` stage, lowest first, and the notes for `eventsPerSecond`. */
export function stageCapacity(
  config: ResolvedStageConfig,
  inputs: CapacityInputs,
  eventsPerSecond = 0,
): CapacityReport {
  const processor = processorCeilings(config, inputs);
  // The invocations' throughput (per partition or reserved, whichever binds) is what the connections gate.
  const slowestProcessor = processor
    .filter((c) => c.name !== 'ESM pollers')
    .reduce((a, b) => (a.eventsPerSecond <= b.eventsPerSecond ? a : b));
  const ceilings = [
    ...ingestionCeilings(config, inputs),
    ...processor,
    ...keyspacesCeilings(config, inputs),
    ...postgresCeilings(config, inputs, slowestProcessor),
  ].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  const binding = ceilings[0];
  if (binding === undefined) throw new Error('no ceilings');
  return { stage: config.stageName, ceilings, binding, notes: notesAt(config, eventsPerSecond, inputs) };
}

/**
 * The fields of a bench result (bench/harness/results.ts) the model reads; all but `at` may be absent in results
 * written before they were measured.
 */
export type BenchResult = Pick<BenchResults, 'at'> &
  Partial<Pick<BenchResults, 'machine' | 'processor' | 'ceiling' | 'ceilings'>>;

/** Processor CPU per record, µs of one core: the processor process's CPU over a bench run / records (worst run). */
export function cpuMicrosPerRecordFromBench(result: BenchResult): number {
  const perRun = (result.processor ?? []).flatMap((run) => {
    const cpu = run.processes.find((p) => p.name === 'processor')?.cpuPercent;
    return cpu === undefined || run.events <= 0 ? [] : [((cpu / 100) * run.seconds * 1e6) / run.events];
  });
  if (perRun.length === 0) throw new Error(`bench result of ${result.at} has no processor run with its CPU`);
  return Math.max(...perRun);
}

/**
 * PostgreSQL upserts per CPU-second of the server from a bench's store ceiling: the processor's upsert with the
 * server's CPU measured (the lowest repeat); for results before that measurement, the plain multi-row INSERT's
 * rows/s over the machine's cores (a lower bound: the server had at most every core). Undefined without a
 * ceiling run.
 */
export function postgresWriteFigureFromBench(result: BenchResult): PostgresWriteFigure | undefined {
  const ceilings = ceilingsOf(result);
  const measured = ceilings.flatMap((c) =>
    c.postgresUpsert && c.postgresUpsert.rowsPerServerCpuSecond > 0
      ? [c.postgresUpsert.rowsPerServerCpuSecond]
      : [],
  );
  if (measured.length > 0)
    return {
      upsertsPerCpuSecond: Math.min(...measured),
      basis: `bench ${result.at}: the processor's upsert per CPU-second of the PostgreSQL server (lowest of ${measured.length} run(s))`,
    };
  const cores = result.machine?.cpus;
  const plain = ceilings.flatMap((c) =>
    c.postgresAloneRecordsPerSecond ? [c.postgresAloneRecordsPerSecond] : [],
  );
  if (plain.length === 0 || !cores) return undefined;
  return {
    upsertsPerCpuSecond: Math.min(...plain) / cores,
    basis:
      `bench ${result.at}: plain multi-row INSERT rows/s over its ${cores} cores (a lower bound; ` +
      'no server CPU was recorded: `npm run bench -- --only ceiling` measures the upsert itself)',
  };
}
