import { KeyspacesMetrics } from '../metrics/keyspaces.js';
import { RdsInstanceMetrics } from '../metrics/rds.js';
import type { DashboardProps } from '../props.js';
import type { RowSpec, SegmentSpec } from '../types.js';
import { alarm, graph, segment } from './build.js';

const ID = 'stores';

/** The managed stores behind the sinks: RDS PostgreSQL and Amazon Keyspaces. */
export function storesSegment(props: DashboardProps): SegmentSpec | undefined {
  const rds = props.database ? new RdsInstanceMetrics(props.database.instanceIdentifier) : undefined;
  const keyspaces = props.keyspaces
    ? new KeyspacesMetrics(props.keyspaces.keyspace, props.keyspaces.tables)
    : undefined;
  const rdsRow: RowSpec | undefined = rds && {
    title: 'RDS PostgreSQL',
    widgets: [
      graph(ID, 'RDS CPU', [rds.cpu()]),
      graph(ID, 'RDS connections', [rds.connections()]),
      graph(ID, 'RDS free storage', [rds.freeStorageBytes()]),
    ],
  };
  const keyspacesRow: RowSpec | undefined = keyspaces && {
    title: 'Amazon Keyspaces',
    widgets: [
      graph(
        ID,
        'Keyspaces errors and throttles',
        [keyspaces.systemErrors(), keyspaces.userErrors(), keyspaces.partitionThroughputExceeded()],
        [],
        12,
      ),
      graph(ID, 'Keyspaces write latency', keyspaces.writeLatency(), [], 12),
    ],
  };
  return segment(
    ID,
    'Stores',
    [rdsRow, keyspacesRow],
    [
      rds &&
        alarm('rds-cpu', rds.cpu(), 80, 'RDS CPU above 80%.', { evaluationPeriods: 3, datapointsToAlarm: 3 }),
      rds &&
        props.database &&
        alarm(
          'rds-free-storage',
          rds.freeStorageBytes(),
          props.database.allocatedStorageGiB * 1024 ** 3 * 0.1,
          'RDS free storage below 10% of the allocated storage.',
          { comparison: 'LessThanThreshold', evaluationPeriods: 2, datapointsToAlarm: 2 },
        ),
      keyspaces &&
        alarm(
          'keyspaces-system-errors',
          keyspaces.systemErrors(),
          0,
          'Amazon Keyspaces returned server errors to the processor.',
          { evaluationPeriods: 3, datapointsToAlarm: 2 },
        ),
    ],
  );
}
