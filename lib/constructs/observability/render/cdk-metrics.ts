import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { ComparisonOperator, MetricSpec, SeriesSpec, TreatMissingData } from '../definition/types.js';

/** A definition metric as a CDK metric. */
export function cdkMetric(spec: MetricSpec): cw.Metric {
  return new cw.Metric({
    namespace: spec.namespace,
    metricName: spec.metricName,
    dimensionsMap: { ...spec.dimensions },
    statistic: spec.statistic,
    period: Duration.seconds(spec.periodSeconds),
    label: spec.label,
  });
}

/** A definition series (metric or expression) as a CDK metric. */
export function cdkSeries(spec: SeriesSpec): cw.IMetric {
  if (spec.kind === 'metric') return cdkMetric(spec);
  const usingMetrics: Record<string, cw.IMetric> = {};
  for (const [id, metric] of Object.entries(spec.usingMetrics)) usingMetrics[id] = cdkMetric(metric);
  return new cw.MathExpression({
    expression: spec.expression,
    usingMetrics,
    label: spec.label,
    period: Duration.seconds(spec.periodSeconds),
  });
}

const COMPARISONS: Record<ComparisonOperator, cw.ComparisonOperator> = {
  GreaterThanThreshold: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
  GreaterThanOrEqualToThreshold: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  LessThanThreshold: cw.ComparisonOperator.LESS_THAN_THRESHOLD,
  LessThanOrEqualToThreshold: cw.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
};

const MISSING_DATA: Record<TreatMissingData, cw.TreatMissingData> = {
  notBreaching: cw.TreatMissingData.NOT_BREACHING,
  breaching: cw.TreatMissingData.BREACHING,
  ignore: cw.TreatMissingData.IGNORE,
  missing: cw.TreatMissingData.MISSING,
};

export function cdkComparison(operator: ComparisonOperator): cw.ComparisonOperator {
  return COMPARISONS[operator];
}

export function cdkMissingData(treat: TreatMissingData): cw.TreatMissingData {
  return MISSING_DATA[treat];
}
