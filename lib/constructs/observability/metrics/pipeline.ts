import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { IngestHttpMetric } from '../../../../lambdas/ingest-http/metric-names.js';
import { IngestPullMetric } from '../../../../lambdas/ingest-pull/metric-names.js';
import {
  PIPELINE_METRICS_NAMESPACE,
  ProcessorMetric,
  sinkMetricNames,
} from '../../../../lambdas/processor/metric-names.js';
import { METRIC_PERIOD } from './common.js';

/**
 * The pipeline's own EMF metrics (namespace PIPELINE_METRICS_NAMESPACE), named by the constants the Lambdas
 * emit them with. Powertools adds the `service` dimension (the function's service name).
 */
export class PipelineMetrics {
  private metric(service: string, metricName: string, statistic: string, label: string): cw.Metric {
    return new cw.Metric({
      namespace: PIPELINE_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service },
      statistic,
      period: METRIC_PERIOD,
      label,
    });
  }

  httpEventsProduced(): cw.Metric {
    return this.metric('ingest-http', IngestHttpMetric.eventsProduced, 'Sum', 'HTTP events produced');
  }
  httpProduceFailures(): cw.Metric {
    return this.metric('ingest-http', IngestHttpMetric.produceFailures, 'Sum', 'HTTP produce failures');
  }
  httpValidationFailures(): cw.Metric {
    return this.metric('ingest-http', IngestHttpMetric.validationFailures, 'Sum', 'HTTP validation failures');
  }
  httpProduceLatencyP99(): cw.Metric {
    return this.metric('ingest-http', IngestHttpMetric.produceLatency, 'p99', 'HTTP produce latency p99');
  }
  pullEventsProduced(): cw.Metric {
    return this.metric('ingest-pull', IngestPullMetric.eventsProduced, 'Sum', 'Pull events produced');
  }
  pullFailures(): cw.Metric {
    return this.metric('ingest-pull', IngestPullMetric.pullFailures, 'Sum', 'Pull failures');
  }
  recordsValid(): cw.Metric {
    return this.metric('processor', ProcessorMetric.recordsValid, 'Sum', 'Records valid');
  }
  /** Records the processor dead-lettered (into PostgreSQL `dead_letters`). */
  recordsInvalid(): cw.Metric {
    return this.metric('processor', ProcessorMetric.recordsInvalid, 'Sum', 'Records invalid (dead-lettered)');
  }
  batchFailures(): cw.Metric {
    return this.metric('processor', ProcessorMetric.batchFailures, 'Sum', 'Batch failures');
  }
  /** One sink's batch write latency, p99. */
  sinkWriteLatencyP99(sinkName: string): cw.Metric {
    return this.metric('processor', sinkMetricNames(sinkName).writeLatency, 'p99', `${sinkName} write p99`);
  }
  /** Batches whose write to one sink failed. */
  sinkWriteFailures(sinkName: string): cw.Metric {
    return this.metric(
      'processor',
      sinkMetricNames(sinkName).writeFailures,
      'Sum',
      `${sinkName} write failures`,
    );
  }
  oldestRecordAgeMax(): cw.Metric {
    return this.metric('processor', ProcessorMetric.oldestRecordAge, 'Maximum', 'Oldest record age');
  }
}
