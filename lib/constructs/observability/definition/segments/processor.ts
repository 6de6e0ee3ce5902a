import { LambdaFunctionMetrics } from '../metrics/lambda.js';
import { PipelineMetrics } from '../metrics/pipeline.js';
import type { DashboardProps } from '../props.js';
import type { RowSpec, SegmentSpec } from '../types.js';
import { alarm, graph, segment } from './build.js';

const ID = 'processor';

/** The processor Lambda, end-to-end latency, then one row per sink it writes to. */
export function processorSegment(props: DashboardProps): SegmentSpec | undefined {
  const processor = new LambdaFunctionMetrics(props.functions.processor, 'processor');
  const custom = new PipelineMetrics();
  const endToEndP99 = custom.endToEndLatency('p99');
  const sinkRows: RowSpec[] = props.sinks.map((sink) => ({
    title: `Sink: ${sink}`,
    widgets: [
      graph(ID, `${sink} write latency`, [custom.sinkWriteLatencyP99(sink)], [], 12),
      graph(ID, `${sink} write failures`, [custom.sinkWriteFailures(sink)], [], 12),
    ],
  }));
  return segment(
    ID,
    'Processor',
    [
      {
        title: 'Processor',
        widgets: [
          graph(
            ID,
            'Invocations / errors / throttles',
            [processor.invocations(), processor.errors(), processor.throttles()],
            [processor.concurrentExecutions()],
          ),
          graph(ID, 'Records', [custom.recordsValid(), custom.recordsInvalid(), custom.batchFailures()]),
          graph(
            ID,
            'End-to-end latency',
            [custom.endToEndLatency('p50'), custom.endToEndLatency('p90'), endToEndP99],
            [processor.durationP99()],
          ),
        ],
      },
      ...sinkRows,
    ],
    [
      alarm(
        'processor-errors',
        processor.errors(),
        0,
        'The processor failed batches; the mapping retries them.',
      ),
      alarm(
        'end-to-end-latency-p99',
        endToEndP99,
        props.endToEndLatencyP99ThresholdMs,
        'Users take too long from ingestion to being written to every store (p99).',
      ),
    ],
  );
}
