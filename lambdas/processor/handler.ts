import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, MSKEvent } from 'aws-lambda';
import { logger, metrics, processorSinks } from './clients.js';
import { ProcessorMetric, type SinkMetricNames } from './metric-names.js';
import { type BatchOutcome, processMskEvent, SinkWriteError } from './process-batch.js';
import type { OpenedSinks } from './sinks/index.js';

/** The processor's Lambda handler. */
export type ProcessorHandler = (event: MSKEvent, context: Context) => Promise<BatchOutcome>;

/**
 * MSK event source mapping → decode, validate, dead-letter, write to every sink of `sinks`. The Lambda's
 * `handler` runs on the container's `processorSinks`; a test may pass other modules (a third sink).
 */
export function createProcessorHandler(sinks: OpenedSinks): ProcessorHandler {
  const metricNames = new Map(sinks.modules.map((module) => [module.name, module.metricNames]));
  const metricNamesOf = (sink: string): SinkMetricNames => {
    const names = metricNames.get(sink);
    if (!names) throw new RangeError(`no sink module named ${sink}`);
    return names;
  };
  return async (event, context) => {
    logger.addContext(context);
    try {
      const outcome = await processMskEvent(event, { sinks: await sinks.sinks(), logger });
      recordOutcome(outcome, metricNamesOf);
      const { endToEndMs: _perUser, ...summary } = outcome;
      logger.info('batch processed', { ...summary });
      return outcome;
    } catch (error) {
      metrics.addMetric(ProcessorMetric.batchFailures, MetricUnit.Count, 1);
      if (error instanceof SinkWriteError) {
        for (const sink of error.failedSinks)
          metrics.addMetric(metricNamesOf(sink).writeFailures, MetricUnit.Count, 1);
      }
      logger.error('batch failed; the event source mapping will retry it', error as Error);
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

export const handler: ProcessorHandler = createProcessorHandler(processorSinks);

function recordOutcome(outcome: BatchOutcome, metricNamesOf: (sink: string) => SinkMetricNames): void {
  metrics.addMetric(ProcessorMetric.recordsReceived, MetricUnit.Count, outcome.received);
  metrics.addMetric(ProcessorMetric.recordsValid, MetricUnit.Count, outcome.valid);
  metrics.addMetric(ProcessorMetric.recordsInvalid, MetricUnit.Count, outcome.invalid);
  metrics.addMetric(ProcessorMetric.batchSize, MetricUnit.Count, outcome.received);
  for (const [sink, ms] of Object.entries(outcome.sinkWriteMs))
    metrics.addMetric(metricNamesOf(sink).writeLatency, MetricUnit.Milliseconds, ms);
  metrics.addMetric(ProcessorMetric.oldestRecordAge, MetricUnit.Milliseconds, outcome.oldestRecordAgeMs);
  // One value per stored user, not per-batch percentiles: CloudWatch computes p50/p90/p99 over every user of
  // the period, which no average of batch percentiles could. Powertools flushes each 100 values (EMF's limit).
  for (const ms of outcome.endToEndMs)
    metrics.addMetric(ProcessorMetric.endToEndLatency, MetricUnit.Milliseconds, ms);
}
