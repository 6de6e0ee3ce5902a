import { KafkaClusterMetrics } from '../metrics/kafka.js';
import { offsetLag } from '../metrics/lambda.js';
import { PipelineMetrics } from '../metrics/pipeline.js';
import type { DashboardProps } from '../props.js';
import type { RowSpec, SegmentSpec } from '../types.js';
import { alarm, graph, segment } from './build.js';

const ID = 'stream';

/** The Kafka cluster and how far the processor's mapping is behind the topic. */
export function streamSegment(props: DashboardProps): SegmentSpec | undefined {
  const kafka = props.kafka
    ? new KafkaClusterMetrics(props.kafka.clusterName, props.kafka.brokerCount)
    : undefined;
  const underReplicated = kafka?.underReplicatedPartitions();
  const lag = props.mapping ? offsetLag(props.mapping.functionName, props.mapping.uuid) : undefined;
  const custom = new PipelineMetrics();
  const cluster: RowSpec | undefined = kafka && {
    title: 'Amazon MSK',
    widgets: [
      graph(ID, 'Throughput (bytes/s)', [kafka.bytesIn(), kafka.bytesOut()]),
      ...(underReplicated ? [graph(ID, 'Under-replicated partitions', [underReplicated])] : []),
    ],
  };
  const mapping: RowSpec | undefined = lag && {
    title: 'Event source mapping',
    widgets: [graph(ID, 'OffsetLag', [lag], [custom.oldestRecordAgeMax()], 24)],
  };
  return segment(
    ID,
    'Stream',
    [cluster, mapping],
    [
      lag &&
        alarm(
          'offset-lag',
          lag,
          props.offsetLagThreshold,
          'The processor is falling behind the users_created topic.',
          { evaluationPeriods: 10, datapointsToAlarm: 5 },
        ),
      underReplicated &&
        alarm('msk-under-replicated', underReplicated, 0, 'MSK has under-replicated partitions.', {
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
        }),
    ],
  );
}
