import type { MetricSpec, Statistic } from '../types.js';
import { metric } from './metric.js';

/** AWS/ApiGateway metrics of one REST API stage. */
export class ApiGatewayMetrics {
  constructor(
    private readonly apiName: string,
    private readonly stageName: string,
  ) {}

  private of(metricName: string, statistic: Statistic, label: string): MetricSpec {
    return metric(
      'AWS/ApiGateway',
      metricName,
      { ApiName: this.apiName, Stage: this.stageName },
      statistic,
      label,
    );
  }

  requests(): MetricSpec {
    return this.of('Count', 'Sum', 'Requests');
  }
  clientErrors(): MetricSpec {
    return this.of('4XXError', 'Sum', '4xx');
  }
  serverErrors(): MetricSpec {
    return this.of('5XXError', 'Sum', '5xx');
  }
  latencyP99(): MetricSpec {
    return this.of('Latency', 'p99', 'Latency p99');
  }
  integrationLatencyP99(): MetricSpec {
    return this.of('IntegrationLatency', 'p99', 'Integration latency p99');
  }
}
