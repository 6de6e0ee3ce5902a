// Tests local/console/metric-inbox.ts; also service-metrics.ts.
import { describe, expect, it } from 'vitest';
import type { MetricSpec } from '../../../../lib/constructs/observability/definition/types.js';
import { MetricInbox } from '../../../../local/console/metric-inbox.js';
import { MetricStore } from '../../../../local/console/metric-store.js';
import { LocalServiceMetrics } from '../../../../local/console/service-metrics.js';

const metric = (
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  statistic: MetricSpec['statistic'],
): MetricSpec => ({
  kind: 'metric',
  namespace,
  metricName,
  dimensions,
  statistic,
  periodSeconds: 60,
  label: '',
});

const emfLine = (timestamp: number, latencies: number[]) =>
  JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: 'Test',
          Dimensions: [['service']],
          Metrics: [{ Name: 'Latency', Unit: 'Milliseconds' }],
        },
      ],
    },
    service: 'processor',
    Latency: latencies,
  });

describe('metric inbox', () => {
  it('keeps EMF lines and recorded values out of the store until drained, then stores every value', () => {
    const store = new MetricStore(10_000, 3_600_000);
    const inbox = new MetricInbox(store);
    const now = Date.now();
    inbox.emfLine(emfLine(now, [5, 7]));
    inbox.emfLine(emfLine(now, [9]));
    const invocations = inbox.recorder('AWS/Lambda', 'Invocations', { FunctionName: 'f' });
    invocations(1);
    invocations(1);
    const latency = metric('Test', 'Latency', { service: 'processor' }, 'Sum');
    const lambda = metric('AWS/Lambda', 'Invocations', { FunctionName: 'f' }, 'Sum');
    expect(inbox.empty).toBe(false);
    expect(store.total(latency)).toEqual({ sum: 0, count: 0 });

    inbox.drain();
    expect(inbox.empty).toBe(true);
    expect(store.total(latency)).toEqual({ sum: 21, count: 3 });
    expect(store.total(lambda)).toEqual({ sum: 2, count: 2 });
    expect(store.query(lambda, 60_000, 1, now)).toEqual([2]);

    // A second drain stores only what arrived since: nothing is counted twice.
    invocations(1);
    inbox.drain();
    expect(store.total(lambda)).toEqual({ sum: 3, count: 3 });
  });

  it('drops a line that is not an EMF document without losing the values around it', () => {
    const store = new MetricStore(10_000, 3_600_000);
    const inbox = new MetricInbox(store);
    const now = Date.now();
    inbox.emfLine(emfLine(now, [1]));
    inbox.emfLine('{"_aws": truncated');
    inbox.emfLine(emfLine(now, [2]));
    inbox.drain();
    expect(store.total(metric('Test', 'Latency', { service: 'processor' }, 'Sum'))).toEqual({
      sum: 3,
      count: 2,
    });
  });
});

describe('local service metrics', () => {
  it('counts invocations, errors, duration and concurrency as Lambda does, and requests as API Gateway does', async () => {
    const store = new MetricStore(10_000, 3_600_000);
    const inbox = new MetricInbox(store);
    const services = new LocalServiceMetrics((...m) => inbox.recorder(...m), {
      apiName: 'api',
      stageName: 'local',
    });
    const handler = services.lambda('ingest', async (event: { fail: boolean }) => {
      if (event.fail) throw new Error('boom');
      return 'ok';
    });
    await handler({ fail: false }, {});
    await expect(handler({ fail: true }, {})).rejects.toThrow('boom');
    services.apiRequest(202, 12);
    services.apiRequest(403, 1);
    services.apiRequest(500, 30);
    inbox.drain();
    const lambda = (name: string, statistic: MetricSpec['statistic'] = 'Sum') =>
      store.total(metric('AWS/Lambda', name, { FunctionName: 'ingest' }, statistic));
    expect(lambda('Invocations')).toEqual({ sum: 2, count: 2 });
    expect(lambda('Errors')).toEqual({ sum: 1, count: 2 });
    expect(lambda('Duration').count).toBe(2);
    expect(lambda('ConcurrentExecutions')).toEqual({ sum: 2, count: 2 });
    const api = (name: string) =>
      store.total(metric('AWS/ApiGateway', name, { ApiName: 'api', Stage: 'local' }, 'Sum'));
    expect(api('Count')).toEqual({ sum: 3, count: 3 });
    expect(api('4XXError').sum).toBe(1);
    expect(api('5XXError').sum).toBe(1);
    expect(api('Latency').sum).toBe(43);
  });
});
