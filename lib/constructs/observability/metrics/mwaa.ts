import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { RESOURCE_PERIOD } from './common.js';

/** Airflow metrics MWAA publishes to the `AmazonMWAA` namespace (dimensions Function + Environment). */
export class MwaaMetrics {
  constructor(private readonly environmentName: string) {}

  /**
   * A metric summed over its `Function` dimension values (MWAA attributes task metrics to the component
   * that emits them), as a search expression.
   */
  private search(metricName: string, label: string): cw.MathExpression {
    return new cw.MathExpression({
      expression: `SUM(SEARCH('{AmazonMWAA,Environment,Function} MetricName="${metricName}" Environment="${this.environmentName}"', 'Sum', ${RESOURCE_PERIOD.toSeconds()}))`,
      label,
      period: RESOURCE_PERIOD,
    });
  }

  taskFailures(): cw.MathExpression {
    return this.search('TaskInstanceFailures', 'Task failures');
  }
  taskSuccesses(): cw.MathExpression {
    return this.search('TaskInstanceSuccesses', 'Task successes');
  }
  importErrors(): cw.MathExpression {
    return this.search('ImportErrors', 'DAG import errors');
  }

  /** Scheduler heartbeats; none for a while means the scheduler is down. */
  schedulerHeartbeat(): cw.Metric {
    return new cw.Metric({
      namespace: 'AmazonMWAA',
      metricName: 'SchedulerHeartbeat',
      dimensionsMap: { Function: 'Scheduler', Environment: this.environmentName },
      statistic: 'Sum',
      period: RESOURCE_PERIOD,
      label: 'Scheduler heartbeat',
    });
  }
}
