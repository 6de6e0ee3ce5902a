import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { RESOURCE_PERIOD } from './common.js';

/** AWS/RDS metrics of one DB instance. */
export class RdsInstanceMetrics {
  constructor(private readonly instanceIdentifier: string) {}

  private metric(metricName: string, statistic: string, label: string): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/RDS',
      metricName,
      dimensionsMap: { DBInstanceIdentifier: this.instanceIdentifier },
      statistic,
      period: RESOURCE_PERIOD,
      label,
    });
  }

  cpu(): cw.Metric {
    return this.metric('CPUUtilization', 'Average', 'CPU %');
  }
  connections(): cw.Metric {
    return this.metric('DatabaseConnections', 'Maximum', 'Connections');
  }
  freeStorageBytes(): cw.Metric {
    return this.metric('FreeStorageSpace', 'Minimum', 'Free storage (bytes)');
  }
}
