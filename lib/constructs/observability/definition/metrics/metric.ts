import type { MetricSpec, Statistic } from '../types.js';
import { METRIC_PERIOD_SECONDS } from './periods.js';

/** A metric spec with the application period unless told otherwise. */
export function metric(
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
  statistic: Statistic,
  label: string,
  periodSeconds = METRIC_PERIOD_SECONDS,
): MetricSpec {
  return { kind: 'metric', namespace, metricName, dimensions, statistic, periodSeconds, label };
}
