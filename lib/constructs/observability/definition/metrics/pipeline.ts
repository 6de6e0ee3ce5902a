import { IngestHttpMetric } from '../../../../../lambdas/ingest-http/metric-names.js';
import { IngestPullMetric } from '../../../../../lambdas/ingest-pull/metric-names.js';
import {
  PIPELINE_METRICS_NAMESPACE,
  ProcessorMetric,
  sinkMetricNames,
} from '../../../../../lambdas/processor/metric-names.js';
import type { MetricSpec, Statistic } from '../types.js';
import { metric } from './metric.js';

/**
 * The pipeline's own EMF metrics (namespace PIPELINE_METRICS_NAMESPACE), named by the constants the Lambdas
 * emit them with. Powertools adds the `service` dimension (the function's service name).
 */
export class PipelineMetrics {
  private of(service: string, metricName: string, statistic: Statistic, label: string): MetricSpec {
    return metric(PIPELINE_METRICS_NAMESPACE, metricName, { service }, statistic, label);
  }

  httpEventsProduced(): MetricSpec {
    return this.of('ingest-http', IngestHttpMetric.eventsProduced, 'Sum', 'HTTP events produced');
  }
  httpProduceFailures(): MetricSpec {
    return this.of('ingest-http', IngestHttpMetric.produceFailures, 'Sum', 'HTTP produce failures');
  }
  httpValidationFailures(): MetricSpec {
    return this.of('ingest-http', IngestHttpMetric.validationFailures, 'Sum', 'HTTP validation failures');
  }
  httpProduceLatencyP99(): MetricSpec {
    return this.of('ingest-http', IngestHttpMetric.produceLatency, 'p99', 'HTTP produce latency p99');
  }
  pullEventsProduced(): MetricSpec {
    return this.of('ingest-pull', IngestPullMetric.eventsProduced, 'Sum', 'Pull events produced');
  }
  pullFailures(): MetricSpec {
    return this.of('ingest-pull', IngestPullMetric.pullFailures, 'Sum', 'Pull failures');
  }
  recordsValid(): MetricSpec {
    return this.of('processor', ProcessorMetric.recordsValid, 'Sum', 'Records valid');
  }
  /** Records the processor dead-lettered (into PostgreSQL `dead_letters`). */
  recordsInvalid(): MetricSpec {
    return this.of('processor', ProcessorMetric.recordsInvalid, 'Sum', 'Records invalid (dead-lettered)');
  }
  batchFailures(): MetricSpec {
    return this.of('processor', ProcessorMetric.batchFailures, 'Sum', 'Batch failures');
  }
  oldestRecordAgeMax(): MetricSpec {
    return this.of('processor', ProcessorMetric.oldestRecordAge, 'Maximum', 'Oldest record age');
  }
  /** `ingested_at` → written to every sink, one value per stored user; `pNN` is computed by CloudWatch. */
  endToEndLatency(statistic: `p${number}`): MetricSpec {
    return this.of('processor', ProcessorMetric.endToEndLatency, statistic, `End-to-end ${statistic}`);
  }
  sinkWriteLatencyP99(sink: string): MetricSpec {
    return this.of('processor', sinkMetricNames(sink).writeLatency, 'p99', `${sink} write p99`);
  }
  sinkWriteFailures(sink: string): MetricSpec {
    return this.of('processor', sinkMetricNames(sink).writeFailures, 'Sum', `${sink} write failures`);
  }
}
