import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_PERIOD } from './common.js';

/** AWS/ApiGateway metrics of one REST API stage. */
export class ApiGatewayMetrics {
  constructor(
    private readonly apiName: string,
    private readonly stageName: string,
  ) {}

  private metric(metricName: string, statistic: string, label: string): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiName: this.apiName, Stage: this.stageName },
      statistic,
      period: METRIC_PERIOD,
      label,
    });
  }

  requests(): cw.Metric {
    return this.metric('Count', 'Sum', 'Requests');
  }
  clientErrors(): cw.Metric {
    return this.metric('4XXError', 'Sum', '4xx');
  }
  serverErrors(): cw.Metric {
    return this.metric('5XXError', 'Sum', '5xx');
  }
  latencyP99(): cw.Metric {
    return this.metric('Latency', 'p99', 'Latency p99');
  }
  integrationLatencyP99(): cw.Metric {
    return this.metric('IntegrationLatency', 'p99', 'Integration latency p99');
  }
}
