import type { MetricSpec, Statistic } from '../types.js';
import { metric } from './metric.js';
import { RESOURCE_PERIOD_SECONDS } from './periods.js';

/** AWS/RDS metrics of one DB instance. */
export class RdsInstanceMetrics {
  constructor(private readonly instanceIdentifier: string) {}

  private of(metricName: string, statistic: Statistic, label: string): MetricSpec {
    return metric(
      'AWS/RDS',
      metricName,
      { DBInstanceIdentifier: this.instanceIdentifier },
      statistic,
      label,
      RESOURCE_PERIOD_SECONDS,
    );
  }

  cpu(): MetricSpec {
    return this.of('CPUUtilization', 'Average', 'CPU %');
  }
  connections(): MetricSpec {
    return this.of('DatabaseConnections', 'Maximum', 'Connections');
  }
  freeStorageBytes(): MetricSpec {
    return this.of('FreeStorageSpace', 'Minimum', 'Free storage (bytes)');
  }
}
