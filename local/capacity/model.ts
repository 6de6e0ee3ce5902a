import type { ResolvedStageConfig } from '../../bin/config/index.js';
import { DEFAULT_EVENT_KB, DEFAULT_PROCESSOR_BATCH_MS, KEYSPACES_TABLES_PER_EVENT } from '../cost/model.js';
import { LIMITS, RDS_MEMORY_GIB } from './limits.js';

/** What the capacity of a stage is computed for. */
export interface CapacityInputs {
  /** Processor CPU per record, µs of one vCPU (from the bench: see {@link cpuMicrosPerRecordFromBench}). */
  readonly cpuMicrosPerRecord: number;
  /** Serialized event size in Kafka, KB. @default DEFAULT_EVENT_KB */
  readonly eventKb?: number;
  /** Share of events arriving through the REST API. @default 1 */
  readonly apiShare?: number;
  /** Users per API request. @default 1 */
  readonly usersPerRequest?: number;
  /**
   * Share of a day's signups from the busiest country: they all land in one users_by_signup_day partition
   * (signup_day, country), as live signups carry today's registration date. @default 1 (worst case)
   */
  readonly topCountryShare?: number;
  /** Store round trips of one processor invocation, ms (same assumption as the cost model). */
  readonly invocationOverheadMs?: number;
}

/** One limit's ceiling in events per second and the stage setting that moves it. */
export interface Ceiling {
  readonly name: string;
  readonly eventsPerSecond: number;
  /** Setting(s) to change when this limit binds. */
  readonly setting: string;
  /** How the figure was derived. */
  readonly detail: string;
}

export interface CapacityReport {
  readonly stage: string;
  /** Every ceiling, lowest first. */
  readonly ceilings: readonly Ceiling[];
  /** The lowest ceiling: the throughput the stage can carry. */
  readonly binding: Ceiling;
}

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
  const dbClass = `db.${config.database.instanceType}`;
  const gib = RDS_MEMORY_GIB[dbClass];
  if (gib === undefined) throw new Error(`no memory size for ${dbClass}; add it to local/capacity/limits.ts`);
  return Math.min(
    Math.floor((gib * 1024 ** 3) / LIMITS.postgresBytesPerConnection.value),
    LIMITS.postgresMaxConnectionsCap.value,
  );
}

function pollerCeiling(config: ResolvedStageConfig, eventKb: number): Ceiling {
  const pollers = config.processor.provisionedPollers;
  // A partition is read by one poller: more pollers than partitions add nothing.
  const usable = Math.min(pollers ? pollers.maximum : config.topic.partitions, config.topic.partitions);
  const mbps = usable * LIMITS.kafkaPollerMBps.value;
  return {
    name: 'event source mapping pollers',
    eventsPerSecond: (mbps * 1024) / eventKb,
    setting: pollers ? 'processor.provisionedPollers.maximum / topic.partitions' : 'topic.partitions',
    detail: `${usable} poller(s) × ${LIMITS.kafkaPollerMBps.value} MB/s at ${eventKb} KB/event`,
  };
}

function cpuCeiling(config: ResolvedStageConfig, inputs: CapacityInputs): Ceiling {
  const p = processorRecordsPerSecond(config, inputs);
  const concurrency = processorConcurrency(config);
  const bound =
    concurrency === config.processor.reservedConcurrency
      ? 'processor.reservedConcurrency'
      : 'topic.partitions';
  return {
    name: 'processor (Lambda CPU + store round trips)',
    eventsPerSecond: concurrency * p.perInvocation,
    setting: `${bound} (concurrency), processor.memorySizeMiB (CPU), processor.batchSize`,
    detail:
      `${concurrency} concurrent × ${config.processor.batchSize} records per ${p.invocationMs.toFixed(0)} ms ` +
      `(${inputs.cpuMicrosPerRecord.toFixed(0)} µs CPU/record on ${p.vcpu.toFixed(2)} vCPU + ` +
      `${(inputs.invocationOverheadMs ?? DEFAULT_PROCESSOR_BATCH_MS).toFixed(0)} ms round trips)`,
  };
}

function keyspacesPartitionCeiling(inputs: CapacityInputs): Ceiling {
  const share = inputs.topCountryShare ?? 1;
  return {
    name: 'Keyspaces users_by_signup_day partition',
    eventsPerSecond: LIMITS.keyspacesPartitionWcu.value / share,
    setting: 'the users_by_signup_day partition key (signup_day, country): add a bucket column',
    detail: `${LIMITS.keyspacesPartitionWcu.value} WCU/s per partition; the busiest country has ${share * 100} % of today's signups`,
  };
}

function keyspacesConnectionCeiling(config: ResolvedStageConfig): Ceiling {
  const connections =
    processorConcurrency(config) * keyspacesHosts(config) * config.processor.keyspacesConnectionsPerHost;
  return {
    name: 'Keyspaces CQL requests per connection',
    eventsPerSecond: (connections * LIMITS.keyspacesRequestsPerConnection.value) / KEYSPACES_TABLES_PER_EVENT,
    setting: 'processor.keyspacesConnectionsPerHost',
    detail:
      `${processorConcurrency(config)} invocations × ${keyspacesHosts(config)} hosts × ` +
      `${config.processor.keyspacesConnectionsPerHost} connection(s) × ${LIMITS.keyspacesRequestsPerConnection.value} req/s, ` +
      `${KEYSPACES_TABLES_PER_EVENT} requests per event`,
  };
}

/**
 * Each processor container holds a pool of PG_POOL_MAX (2) connections through RDS Proxy. This is a gate,
 * not a rate: when the pools fit, it does not bound throughput (Infinity); when they do not, the processor
 * can use only the connections that fit.
 */
function postgresCeiling(config: ResolvedStageConfig, processor: Ceiling): Ceiling {
  const available = Math.floor(
    (postgresMaxConnections(config) * LIMITS.rdsProxyMaxConnectionsPercent.value) / 100,
  );
  const needed = processorConcurrency(config) * PROCESSOR_PG_POOL_MAX;
  const scale = Math.min(1, available / needed);
  return {
    name: 'RDS Proxy / instance connections',
    eventsPerSecond: scale >= 1 ? Number.POSITIVE_INFINITY : processor.eventsPerSecond * scale,
    setting: 'database.instanceType (max_connections) or processor.reservedConcurrency',
    detail: `${needed} processor connections needed, ${available} available (db.${config.database.instanceType})`,
  };
}

/** Pool size of the processor's PostgreSQL client (lambdas/shared/clients/postgres.ts, PG_POOL_MAX default). */
export const PROCESSOR_PG_POOL_MAX = 2;

function apiCeiling(config: ResolvedStageConfig, inputs: CapacityInputs): Ceiling {
  const share = inputs.apiShare ?? 1;
  const rps = Math.min(config.api.throttleRateLimit, LIMITS.apiGatewayAccountRps.value);
  return {
    name: 'API Gateway throttling',
    eventsPerSecond: share > 0 ? (rps * (inputs.usersPerRequest ?? 1)) / share : Number.POSITIVE_INFINITY,
    setting: 'api.throttleRateLimit',
    detail: `${rps} requests/s (stage throttle; account limit ${LIMITS.apiGatewayAccountRps.value}) × ${inputs.usersPerRequest ?? 1} user(s)/request, API share ${share}`,
  };
}

/** Every ceiling of an `aws` stage, lowest first. */
export function stageCapacity(config: ResolvedStageConfig, inputs: CapacityInputs): CapacityReport {
  const processor = cpuCeiling(config, inputs);
  const ceilings = [
    pollerCeiling(config, inputs.eventKb ?? DEFAULT_EVENT_KB),
    processor,
    keyspacesPartitionCeiling(inputs),
    keyspacesConnectionCeiling(config),
    postgresCeiling(config, processor),
    apiCeiling(config, inputs),
  ].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  const binding = ceilings[0];
  if (binding === undefined) throw new Error('no ceilings');
  return { stage: config.stageName, ceilings, binding };
}

/** Bench result fields the CPU figure is read from (bench/results/*.json). */
export interface BenchResult {
  readonly at: string;
  readonly processor?: readonly {
    readonly events: number;
    readonly seconds: number;
    readonly processes: readonly { readonly name: string; readonly cpuPercent: number }[];
  }[];
}

/** Processor CPU per record, µs of one core: the processor process's CPU over a bench run / records (worst run). */
export function cpuMicrosPerRecordFromBench(result: BenchResult): number {
  const perRun = (result.processor ?? []).flatMap((run) => {
    const cpu = run.processes.find((p) => p.name === 'processor')?.cpuPercent;
    return cpu === undefined || run.events <= 0 ? [] : [((cpu / 100) * run.seconds * 1e6) / run.events];
  });
  if (perRun.length === 0) throw new Error(`bench result of ${result.at} has no processor run with its CPU`);
  return Math.max(...perRun);
}
