/**
 * Documented AWS service limits the capacity model uses, each with its source page and the date it was cited
 * (`asOf`). The figures cited on 2026-11-27 were read then (the Keyspaces quota table, the Kafka poller pages);
 * those cited on 2026-12-06 were re-read that day through a search of stored AWS documentation pages, with the
 * words the figure stands on quoted in `source`. A figure whose exact row was not seen is `unconfirmed` and the
 * output marks it. Adjustable quotas can be raised with Service Quotas.
 */
export interface ServiceLimit {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  readonly asOf: string;
  /** The figure's own row was not seen in the source (printed with a mark). */
  readonly unconfirmed?: boolean;
}

const limit = (
  value: number,
  unit: string,
  source: string,
  asOf: string,
  unconfirmed = false,
): ServiceLimit => (unconfirmed ? { value, unit, source, asOf, unconfirmed } : { value, unit, source, asOf });

/** The days the figures below were cited (see above). */
const CITED = '2026-11-27';
const RECHECKED = '2026-12-06';

export const LIMITS = {
  /** Throughput of one event poller of a Kafka event source mapping (provisioned mode: one EPU). */
  kafkaPollerMBps: limit(
    5,
    'MB/s per poller',
    'https://docs.aws.amazon.com/lambda/latest/dg/kafka-scaling-modes.html (provisioned mode: each event poller handles up to 5 MB/s)',
    CITED,
  ),
  /** The most pollers a Kafka event source mapping scales to. */
  kafkaMaxPollers: limit(
    2000,
    'pollers per event source mapping',
    'https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html ("For Amazon MSK and self-managed Apache Kafka event source mappings, the accepted range is between 1 and 2,000")',
    RECHECKED,
  ),
  /** Concurrent invocations of a Kafka event source mapping per partition (batches of a partition run in order). */
  kafkaInvocationsPerPartition: limit(
    1,
    'concurrent invocations per partition',
    'https://docs.aws.amazon.com/lambda/latest/dg/with-msk-process.html (Lambda processes each partition in order)',
    CITED,
  ),
  /** Memory at which a Lambda function gets one full vCPU; CPU scales linearly with memory. */
  lambdaMiBPerVcpu: limit(
    1769,
    'MiB per vCPU',
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html (at 1,769 MB a function has one vCPU)',
    CITED,
  ),
  /** Lambda concurrent executions per account and Region, the default of a new account (adjustable). */
  lambdaConcurrentExecutions: limit(
    1000,
    'concurrent executions per account and Region (default)',
    'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (Concurrent executions, 1,000 by default; in the words of the AWS Lambda Operator Guide, "All AWS accounts start with a default concurrent limit of 1000 per Region")',
    RECHECKED,
  ),
  /** Concurrency that reserved concurrency must leave to the account's other functions. */
  lambdaUnreservedMinimum: limit(
    100,
    'concurrent executions left unreserved',
    'https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html ("leave at least 100 simultaneous executions unreserved")',
    RECHECKED,
  ),
  /** How fast one function gains execution environments. */
  lambdaScalingPer10Seconds: limit(
    1000,
    'execution environments per function every 10 s',
    'https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html ("1,000 execution environment instances every 10 seconds ... to each of your functions")',
    RECHECKED,
  ),
  /** Writes one Keyspaces partition accepts per second (on-demand or provisioned). */
  keyspacesPartitionWcu: limit(
    1000,
    'WCU/s per partition',
    'https://docs.aws.amazon.com/keyspaces/latest/devguide/bp-partition-key-design.html (up to 1,000 WCUs per partition)',
    CITED,
  ),
  /** Write throughput one Keyspaces table may be allocated per Region (adjustable). */
  keyspacesTableWriteUnits: limit(
    40_000,
    'WRU/s per table',
    'https://docs.aws.amazon.com/keyspaces/latest/devguide/quotas.html (row "Max write throughput per second" per table; the excerpt seen was cut before its value, the "Max read throughput per second" row above it reads 40,000)',
    RECHECKED,
    true,
  ),
  /** Writes a new on-demand table takes at once, before it has seen higher traffic (warm throughput). */
  keyspacesNewTableWrites: limit(
    4000,
    'writes/s of a new on-demand table',
    'https://docs.aws.amazon.com/keyspaces/latest/devguide/ReadWriteCapacityMode.prewarming.new.html ("New on-demand tables can sustain up to 4,000 writes per second")',
    RECHECKED,
  ),
  /** CQL requests one client TCP connection can send per second. */
  keyspacesRequestsPerConnection: limit(
    3000,
    'CQL requests/s per connection',
    'https://docs.aws.amazon.com/keyspaces/latest/devguide/quotas.html (Max queries per connection: 3,000)',
    CITED,
  ),
  /** RDS for PostgreSQL default max_connections: LEAST(DBInstanceClassMemory / 9531392, 5000). */
  postgresBytesPerConnection: limit(
    9_531_392,
    'bytes of instance memory per connection',
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections',
    CITED,
  ),
  postgresMaxConnectionsCap: limit(
    5000,
    'connections',
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections',
    CITED,
  ),
  /** RDS Proxy's share of the target's max_connections (MaxConnectionsPercent default 100). */
  rdsProxyMaxConnectionsPercent: limit(
    100,
    '% of max_connections',
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-connections.html (MaxConnectionsPercent, default 100)',
    CITED,
  ),
  /** API Gateway throttle per account and Region, the default (adjustable: Service Quotas L-8A5B8E43). */
  apiGatewayAccountRps: limit(
    10_000,
    'requests/s per account and Region (default)',
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html ("Throttle quota per account, per Region across HTTP APIs, REST APIs, ...: 10,000 requests per second (RPS)", can be increased)',
    RECHECKED,
  ),
} as const;

/** An RDS instance class: vCPUs and memory (GiB). */
export interface RdsInstanceClass {
  readonly vcpus: number;
  readonly memoryGiB: number;
}

/**
 * The RDS instance classes the stages may use, from the DB instance class hardware specifications
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html, cited
 * 2026-11-27). One definition for the capacity model (connections, write throughput) and the cost model
 * (RDS Proxy bills per vCPU).
 */
export const RDS_INSTANCE_CLASSES: Readonly<Record<string, RdsInstanceClass>> = {
  'db.t4g.micro': { vcpus: 2, memoryGiB: 1 },
  'db.t4g.small': { vcpus: 2, memoryGiB: 2 },
  'db.t4g.medium': { vcpus: 2, memoryGiB: 4 },
  'db.m7g.large': { vcpus: 2, memoryGiB: 8 },
  'db.m7g.xlarge': { vcpus: 4, memoryGiB: 16 },
  'db.r7g.large': { vcpus: 2, memoryGiB: 16 },
};

/** The class of `db.<instanceType>`; throws naming the file to extend. */
export function rdsInstanceClass(instanceType: string): RdsInstanceClass {
  const dbClass = `db.${instanceType}`;
  const found = RDS_INSTANCE_CLASSES[dbClass];
  if (found === undefined) throw new Error(`no size for ${dbClass}; add it to planning/capacity/limits.ts`);
  return found;
}
