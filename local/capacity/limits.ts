/**
 * Documented AWS service limits the capacity model uses, each with its source page and the date it was cited
 * (`asOf`). On 2026-11-27 the Keyspaces quota table (3,000 CQL requests/s per connection) and the Kafka poller
 * configuration pages were re-read through a search of stored pages; the other figures are cited from the
 * named pages as known that day, not re-fetched. Adjustable quotas can be raised with Service Quotas.
 */
export interface ServiceLimit {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  readonly asOf: string;
}

const limit = (value: number, unit: string, source: string, asOf: string): ServiceLimit => ({
  value,
  unit,
  source,
  asOf,
});

/** The day every figure below was cited (see above). */
const CITED = '2026-11-27';

export const LIMITS = {
  /** Throughput of one event poller of a Kafka event source mapping (provisioned mode: one EPU). */
  kafkaPollerMBps: limit(
    5,
    'MB/s per poller',
    'https://docs.aws.amazon.com/lambda/latest/dg/kafka-scaling-modes.html (provisioned mode: each event poller handles up to 5 MB/s)',
    CITED,
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
  /** Writes one Keyspaces partition accepts per second (on-demand or provisioned). */
  keyspacesPartitionWcu: limit(
    1000,
    'WCU/s per partition',
    'https://docs.aws.amazon.com/keyspaces/latest/devguide/bp-partition-key-design.html (up to 1,000 WCUs per partition)',
    CITED,
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
  /** API Gateway account-level throttle per Region (adjustable). */
  apiGatewayAccountRps: limit(
    10_000,
    'requests/s per account and Region',
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html (throttle quota per account, per Region)',
    CITED,
  ),
} as const;

/** Memory of RDS instance classes, GiB (the instance type pages). */
export const RDS_MEMORY_GIB: Readonly<Record<string, number>> = {
  'db.t4g.micro': 1,
  'db.t4g.small': 2,
  'db.t4g.medium': 4,
  'db.m7g.large': 8,
  'db.r7g.large': 16,
};
