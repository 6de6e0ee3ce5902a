// Tests lib/constructs/observability/observability.ts; also definition/layout-svg.ts and local/pictures/prod-dashboard.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { PIPELINE_METRICS_NAMESPACE } from '../../../../../lambdas/processor/metric-names.js';
import { PROCESSOR_SINK_NAMES } from '../../../../../lambdas/processor/sinks/index.js';
import {
  dashboardLayoutSvg,
  LAYOUT_SVG_HEADER,
} from '../../../../../lib/constructs/observability/definition/layout-svg.js';
import {
  allAlarms,
  allWidgets,
  type DashboardSpec,
  metricsOf,
  RUNBOOK_PATH,
  runbookLink,
} from '../../../../../lib/constructs/observability/definition/types.js';
import { Observability } from '../../../../../lib/constructs/observability/observability.js';
import { PROD_DASHBOARD_SVG } from '../../../../../local/pictures/prod-dashboard.js';
import { VERIFY_CHECKS } from '../../../../../local/verify/checks/index.js';
import { fileSink } from '../../../../integration/support/file-sink/index.js';
import {
  cleanUpSyntheses,
  repoRoot,
  resourcesOfType,
  synthStage,
} from '../../../support/pipeline-fixture.js';

afterAll(cleanUpSyntheses);

interface BodyWidget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly metrics?: unknown[][];
  };
}

/** The DashboardBody with every CloudFormation token (Ref, GetAtt) replaced by a placeholder, parsed. */
function dashboardWidgets(body: unknown): BodyWidget[] {
  const join = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = join[1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(join[0]);
  return (JSON.parse(text) as { widgets: BodyWidget[] }).widgets;
}

/** `namespace/metricName` of every metric a body widget plots or computes from. */
function bodyMetricNames(widget: BodyWidget): string[] {
  return (widget.properties.metrics ?? [])
    .filter((entry) => typeof entry[0] === 'string')
    .map((entry) => `${entry[0]}/${entry[1]}`)
    .sort();
}

function runbookAnchors(): Set<string> {
  const text = readFileSync(join(repoRoot, RUNBOOK_PATH), 'utf8');
  return new Set([...text.matchAll(/^## (\S+)\s*$/gm)].map((m) => m[1] as string));
}

describe.each(['prod', 'dev', 'local'] as const)('dashboard of stage %s', (stageName) => {
  const stage = () => synthStage(stageName);
  const definition = (): DashboardSpec => stage().stack.parts.observability.definition;

  it('draws every widget of the definition, in order, and nothing else', () => {
    const [[, dashboard] = []] = resourcesOfType(stage(), 'AWS::CloudWatch::Dashboard');
    const widgets = dashboardWidgets(dashboard?.Properties?.DashboardBody);
    const graphs = widgets.filter((w) => w.type === 'metric');
    const headings = widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown);
    expect(widgets).toHaveLength(graphs.length + headings.length);
    const spec = allWidgets(definition());
    expect(graphs.map((w) => w.properties.title)).toEqual(spec.map((w) => w.title));
    graphs.forEach((graph, index) => {
      const expected = spec[index];
      const names = [...(expected?.left ?? []), ...(expected?.right ?? [])]
        .flatMap(metricsOf)
        .map((m) => `${m.namespace}/${m.metricName}`)
        .sort();
      expect(bodyMetricNames(graph), expected?.title).toEqual(names);
    });
    expect(headings).toEqual(
      definition().segments.flatMap((s) => s.rows.map((r) => `### ${s.title} · ${r.title}`)),
    );
  });

  it('has one alarm per alarm of the definition, each linking its runbook entry', () => {
    const alarms = resourcesOfType(stage(), 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
    const expected = stage().config.target === 'aws' ? allAlarms(definition()) : [];
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual(
      expected.map((a) => `realtime-user-pipeline-${stageName}-${a.id}`).sort(),
    );
    const anchors = runbookAnchors();
    for (const spec of expected) {
      const alarm = alarms.find((a) => a.AlarmName === `realtime-user-pipeline-${stageName}-${spec.id}`);
      expect(alarm?.AlarmDescription).toContain(`Runbook: ${runbookLink(spec.id)}`);
      expect(anchors, spec.id).toContain(spec.id);
    }
  });
});

describe('a third sink in the list (the throwaway file sink of test/integration/support/file-sink)', () => {
  /** The Observability construct of a bare stack, as the stack builds it from `Processing.sinkNames`. */
  function observe(sinks: readonly string[]) {
    const stack = new Stack(new App(), 'ThreeSinks');
    const observability = new Observability(stack, 'Observability', {
      stageName: 'test',
      api: { apiName: 'api', stageName: 'test' },
      functions: { ingestHttp: 'ingest-http', ingestPull: 'ingest-pull', processor: 'processor' },
      sinks,
      deadLetterQueues: [],
      offsetLagThreshold: 1000,
      endToEndLatencyP99ThresholdMs: 5000,
    });
    const [[, dashboard] = []] = Object.entries(
      Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'),
    );
    return { observability, widgets: dashboardWidgets(dashboard?.Properties?.DashboardBody) };
  }

  it("draws the sink's row: its latency and failure widgets on its module's metric names", () => {
    const { widgets } = observe([...PROCESSOR_SINK_NAMES, fileSink.name]);
    const headings = widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown);
    expect(headings).toContain('### Processor · Sink: file');
    const titled = (title: string) => widgets.find((w) => w.properties.title === title);
    const namespace = PIPELINE_METRICS_NAMESPACE;
    expect(bodyMetricNames(titled('file write latency') as BodyWidget)).toEqual([
      `${namespace}/${fileSink.metricNames.writeLatency}`,
    ]);
    expect(bodyMetricNames(titled('file write failures') as BodyWidget)).toEqual([
      `${namespace}/${fileSink.metricNames.writeFailures}`,
    ]);
    expect(fileSink.metricNames).toEqual({
      writeLatency: 'FileWriteLatency',
      writeFailures: 'FileWriteFailures',
    });
    // The production sinks keep their rows, in the list's order, before the new one.
    const rows = headings.filter((h) => h?.startsWith('### Processor · Sink: '));
    expect(rows).toEqual([...PROCESSOR_SINK_NAMES, 'file'].map((sink) => `### Processor · Sink: ${sink}`));
  });

  it('adds no alarm: the processor-errors alarm covers a failed write to any sink', () => {
    const two = observe(PROCESSOR_SINK_NAMES).observability.alarmNames;
    const three = observe([...PROCESSOR_SINK_NAMES, fileSink.name]).observability.alarmNames;
    expect(three).toEqual(two);
    expect(three).toContain('realtime-user-pipeline-test-processor-errors');
  });
});

describe('the prod dashboard', () => {
  it('has the six segments, a row per sink and the end-to-end p99 alarm from the stage config', () => {
    const s = synthStage('prod');
    const spec = s.stack.parts.observability.definition;
    expect(spec.segments.map((x) => x.id)).toEqual([
      'ingestion',
      'stream',
      'processor',
      'failure-path',
      'stores',
      'orchestration',
    ]);
    const processor = spec.segments.find((x) => x.id === 'processor');
    expect(processor?.rows.map((r) => r.title)).toEqual(['Processor', 'Sink: postgres', 'Sink: cassandra']);
    const latency = allAlarms(spec).find((a) => a.id === 'end-to-end-latency-p99');
    expect(latency?.threshold).toBe(s.config.observability.endToEndLatencyP99ThresholdMs);
    expect(latency?.series).toMatchObject({ metricName: 'EndToEndLatency', statistic: 'p99' });
  });

  it('is the picture in the README (docs/images/prod-dashboard.svg; npm run pictures regenerates it)', () => {
    const picture = readFileSync(join(repoRoot, PROD_DASHBOARD_SVG), 'utf8');
    expect(picture.split('\n')[0]).toBe(LAYOUT_SVG_HEADER);
    expect(picture).toBe(dashboardLayoutSvg(synthStage('prod').stack.parts.observability.definition));
  });
});

describe('the runbook', () => {
  it('has an entry per alarm of some stage or per verify check, and no stale one', () => {
    const alarms = (['prod', 'dev'] as const).flatMap((stage) =>
      allAlarms(synthStage(stage).stack.parts.observability.definition).map((a) => a.id),
    );
    const known = new Set([...alarms, ...VERIFY_CHECKS.map((check) => check.runbook)]);
    expect([...runbookAnchors()].filter((anchor) => !known.has(anchor))).toEqual([]);
  });

  it('pages on the failure path’s own failures: failure topic write errors and dropped records', () => {
    const alarms = allAlarms(synthStage('prod').stack.parts.observability.definition);
    for (const [id, metricName] of [
      ['failure-topic-write-errors', 'OnFailureDestinationDeliveryErrorCount'],
      ['records-dropped', 'DroppedEventCount'],
    ]) {
      const alarm = alarms.find((a) => a.id === id);
      expect(alarm?.series, id).toMatchObject({ namespace: 'AWS/Lambda', metricName, statistic: 'Sum' });
      expect(alarm, id).toMatchObject({ threshold: 0, evaluationPeriods: 1, datapointsToAlarm: 1 });
      expect(alarm?.comparison, id).toBe('GreaterThanThreshold');
    }
  });
});
