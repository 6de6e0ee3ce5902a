// Tests local/console/emf-capture.ts; also local/console/emf.ts, metric-store.ts and alarms.ts.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmSpec, MetricSpec } from '../../../../lib/constructs/observability/definition/types.js';
import { evaluateAlarm } from '../../../../local/console/alarms.js';
import type { MetricDatum } from '../../../../local/console/emf.js';
import { parseEmf } from '../../../../local/console/emf.js';
import { tapEmf } from '../../../../local/console/emf-capture.js';
import { MetricStore } from '../../../../local/console/metric-store.js';

const spec = (statistic: MetricSpec['statistic']): MetricSpec => ({
  kind: 'metric',
  namespace: 'Test',
  metricName: 'Latency',
  dimensions: { service: 'processor' },
  statistic,
  periodSeconds: 60,
  label: 'latency',
});

describe('EMF capture', () => {
  let untap: (() => void) | undefined;
  afterEach(() => untap?.());

  it('turns what Powertools writes to stdout into metric data, every value of a metric included', () => {
    const data: MetricDatum[] = [];
    untap = tapEmf((line) => data.push(...parseEmf(line)));
    const previous = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    try {
      const metrics = new Metrics({ namespace: 'Test', serviceName: 'processor' });
      for (const value of [5, 7, 9]) metrics.addMetric('Latency', MetricUnit.Milliseconds, value);
      metrics.addMetric('Records', MetricUnit.Count, 3);
      metrics.publishStoredMetrics();
    } finally {
      process.env.POWERTOOLS_METRICS_DISABLED = previous;
    }
    const latency = data.find((d) => d.metricName === 'Latency');
    expect(latency).toMatchObject({
      namespace: 'Test',
      dimensions: { service: 'processor' },
      values: [5, 7, 9],
    });
    expect(data.find((d) => d.metricName === 'Records')?.values).toEqual([3]);
  });

  it('ignores lines that are not EMF documents', () => {
    expect(parseEmf('{"level":"INFO","message":"batch processed"}')).toEqual([]);
    expect(parseEmf('not json')).toEqual([]);
  });
});

describe('metric store', () => {
  it('computes sums and percentiles per period from many values, within 1 %', () => {
    const store = new MetricStore(10_000, 3_600_000);
    const now = 1_800_000_000_000;
    const periodStart = Math.floor(now / 60_000) * 60_000;
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    store.put({
      namespace: 'Test',
      metricName: 'Latency',
      dimensions: { service: 'processor' },
      timestamp: periodStart + 1,
      values,
    });
    const [p99] = store.query(spec('p99'), 60_000, 1, now);
    expect(p99).toBeGreaterThan(990 * 0.99);
    expect(p99).toBeLessThan(990 * 1.01);
    expect(store.query(spec('Sum'), 60_000, 1, now)).toEqual([500_500]);
    expect(store.query(spec('Sum'), 60_000, 2, now)).toEqual([null, 500_500]);
  });
});

describe('alarm evaluation', () => {
  const alarm: AlarmSpec = {
    id: 'processor-errors',
    description: '',
    series: spec('Sum'),
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
  };

  it('goes to ALARM when M of the last N periods breach, and back to OK when fewer do', () => {
    expect(evaluateAlarm(alarm, [0, 1, 2, 0, 3])).toBe('ALARM');
    expect(evaluateAlarm(alarm, [1, 0, 0, 0, 3])).toBe('OK');
    expect(evaluateAlarm(alarm, [null, null, 1, 1, null])).toBe('OK');
    expect(evaluateAlarm({ ...alarm, treatMissingData: 'breaching' }, [null, null, 1, 0, 0])).toBe('ALARM');
    expect(evaluateAlarm({ ...alarm, treatMissingData: 'missing' }, [null, null, null, null, null])).toBe(
      'INSUFFICIENT_DATA',
    );
  });
});
