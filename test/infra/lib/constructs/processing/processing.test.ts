/**
 * The processor's event source mapping (lib/constructs/processing) publishes exactly the metric groups the
 * dashboard definition reads: a group the definition needs but the mapping does not enable would leave its
 * graphs and alarms without data, and an unused group is billed for nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MAPPING_METRIC_GROUPS } from '../../../../../lib/constructs/observability/definition/metrics/lambda.js';
import {
  allAlarms,
  allWidgets,
  metricsOf,
} from '../../../../../lib/constructs/observability/definition/types.js';
import { cleanUpSyntheses, resourcesOfType, synthStage } from '../../../support/pipeline-fixture.js';

afterAll(cleanUpSyntheses);

describe.each(['dev', 'prod'] as const)('processor event source mapping (%s)', (stageName) => {
  const stage = () => synthStage(stageName);

  it('enables the MetricsConfig groups of the mapping metrics the dashboard definition reads, and no other', () => {
    const definition = stage().stack.parts.observability.definition;
    const series = [
      ...allWidgets(definition).flatMap((w) => [...w.left, ...w.right]),
      ...allAlarms(definition).map((a) => a.series),
    ];
    const groups = new Set(
      series
        .flatMap(metricsOf)
        .filter((m) => m.namespace === 'AWS/Lambda' && m.metricName in MAPPING_METRIC_GROUPS)
        .map((m) => MAPPING_METRIC_GROUPS[m.metricName as keyof typeof MAPPING_METRIC_GROUPS]),
    );
    const [[, mapping] = []] = resourcesOfType(stage(), 'AWS::Lambda::EventSourceMapping');
    const enabled = (mapping?.Properties?.MetricsConfig as { Metrics?: string[] } | undefined)?.Metrics ?? [];
    expect([...enabled].sort()).toEqual([...groups].sort());
    expect([...groups].sort()).toEqual(['ErrorCount', 'EventCount']);
  });
});
