import type { ExpressionSpec, MetricSpec } from '../types.js';
import { metric } from './metric.js';
import { RESOURCE_PERIOD_SECONDS } from './periods.js';

/** Airflow metrics MWAA publishes to the `AmazonMWAA` namespace (dimensions Function + Environment). */
export class MwaaMetrics {
  constructor(private readonly environmentName: string) {}

  /**
   * A metric summed over its `Function` dimension values (MWAA attributes task metrics to the component
   * that emits them), as a search expression.
   */
  private search(metricName: string, label: string): ExpressionSpec {
    return {
      kind: 'expression',
      expression: `SUM(SEARCH('{AmazonMWAA,Environment,Function} MetricName="${metricName}" Environment="${this.environmentName}"', 'Sum', ${RESOURCE_PERIOD_SECONDS}))`,
      usingMetrics: {},
      label,
      periodSeconds: RESOURCE_PERIOD_SECONDS,
    };
  }

  taskFailures(): ExpressionSpec {
    return this.search('TaskInstanceFailures', 'Task failures');
  }
  taskSuccesses(): ExpressionSpec {
    return this.search('TaskInstanceSuccesses', 'Task successes');
  }
  importErrors(): ExpressionSpec {
    return this.search('ImportErrors', 'DAG import errors');
  }

  /** Scheduler heartbeats; none for a while means the scheduler is down. */
  schedulerHeartbeat(): MetricSpec {
    return metric(
      'AmazonMWAA',
      'SchedulerHeartbeat',
      { Function: 'Scheduler', Environment: this.environmentName },
      'Sum',
      'Scheduler heartbeat',
      RESOURCE_PERIOD_SECONDS,
    );
  }
}
