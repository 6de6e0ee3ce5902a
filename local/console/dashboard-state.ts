import { PIPELINE_METRICS_NAMESPACE } from '../../lambdas/shared/metrics-namespace.js';
import { PipelineMetrics } from '../../lib/constructs/observability/definition/metrics/pipeline.js';
import {
  allAlarms,
  allWidgets,
  type DashboardSpec,
  runbookLink,
  type SeriesSpec,
} from '../../lib/constructs/observability/definition/types.js';
import { type AlarmState, evaluateAlarm } from './alarms.js';
import type { MetricStore } from './metric-store.js';
import type { StoreCount } from './pipeline-snapshot.js';

/** Namespaces something on this machine publishes: the handlers' EMF, and the local Lambda/API runtime. */
const LOCAL_NAMESPACES = new Set([PIPELINE_METRICS_NAMESPACE, 'AWS/Lambda', 'AWS/ApiGateway']);

/**
 * Graphs draw periods of at most this many seconds, shorter than the definition's 60 s, so that a console's
 * first minute already shows lines (CloudWatch allows this too, with high-resolution metrics). Alarms keep
 * the definition's own periods: they are evaluated as in AWS.
 */
const GRAPH_PERIOD_SECONDS = 10;

/** Graphs start when the console started and show at most the last 30 (CloudWatch) minutes. */
const GRAPH_WINDOW_MINUTES = 30;

/** The metric store's slot: a sixth of a (scaled) minute. Graph periods are whole slots. */
export function slotMsOf(periodScale: number): number {
  return 10_000 * periodScale;
}

/**
 * One graph period, ms: {@link GRAPH_PERIOD_SECONDS}, or the scaled minute when shorter (the browser tests'
 * 6-second minutes), rounded to whole slots of the metric store.
 */
export function graphPeriodMsOf(periodScale: number): number {
  const slotMs = slotMsOf(periodScale);
  const wanted = Math.min(GRAPH_PERIOD_SECONDS * 1000, 60_000 * periodScale);
  return slotMs * Math.max(1, Math.round(wanted / slotMs));
}

/** Start of every graph period from the one holding `startedAt` to the one holding `now` (window-capped), s. */
export function graphTimestamps(periodScale: number, startedAt: number, now: number): number[] {
  const periodMs = graphPeriodMsOf(periodScale);
  const most = Math.floor((GRAPH_WINDOW_MINUTES * 60_000 * periodScale) / periodMs);
  const lastStart = Math.floor(now / periodMs) * periodMs;
  const firstStart = Math.floor(Math.min(startedAt, now) / periodMs) * periodMs;
  const periods = Math.min(most, (lastStart - firstStart) / periodMs + 1);
  return Array.from({ length: periods }, (_, i) => (lastStart - (periods - 1 - i) * periodMs) / 1000);
}

/** Whether the console can draw a series: expressions (SEARCH, sums over AWS resources) exist only in AWS. */
function isLocal(series: SeriesSpec): boolean {
  return series.kind === 'metric' && LOCAL_NAMESPACES.has(series.namespace);
}

/** The definition as the browser needs it: layout, series labels, which series are AWS-only, alarms. */
export function describeDashboard(spec: DashboardSpec, periodScale: number) {
  const describe = (series: SeriesSpec, axis: 'left' | 'right') => ({
    label: series.label,
    axis,
    local: isLocal(series),
    source:
      series.kind === 'metric'
        ? `${series.namespace} ${series.metricName} ${series.statistic}`
        : series.expression,
  });
  return {
    name: spec.name,
    graphPeriodSeconds: graphPeriodMsOf(periodScale) / 1000,
    alarmPeriodSeconds: 60 * periodScale,
    segments: spec.segments.map((segment) => ({
      id: segment.id,
      title: segment.title,
      rows: segment.rows.map((row) => ({
        title: row.title,
        widgets: row.widgets.map((w) => ({
          id: w.id,
          title: w.title,
          width: w.width,
          series: [...w.left.map((s) => describe(s, 'left')), ...w.right.map((s) => describe(s, 'right'))],
        })),
      })),
    })),
    alarms: allAlarms(spec).map((a) => ({
      id: a.id,
      description: a.description,
      rule: `${a.series.label} ${a.comparison.replace('Threshold', '')} ${a.threshold} in ${a.datapointsToAlarm} of ${a.evaluationPeriods} periods of ${a.series.periodSeconds * periodScale} s`,
      runbook: `/${runbookLink(a.id)}`,
      local: isLocal(a.series),
    })),
  };
}

/** The series' statistic over `periods` periods of `periodMs` ending at `now`; nulls for AWS-only series. */
function seriesValues(
  store: MetricStore,
  series: SeriesSpec,
  periodMs: number,
  periods: number,
  now: number,
): (number | null)[] {
  if (series.kind !== 'metric' || !isLocal(series)) return new Array<null>(periods).fill(null);
  return store.query(series, periodMs, periods, now);
}

/**
 * Every widget's values per graph period since `startedAt` and every alarm's state, now. Graphs use the
 * console's short graph period; each alarm is evaluated over its own series' period, as CloudWatch does.
 */
export function dashboardState(
  store: MetricStore,
  spec: DashboardSpec,
  periodScale: number,
  now: number,
  startedAt: number,
) {
  const timestamps = graphTimestamps(periodScale, startedAt, now);
  const graphPeriodMs = graphPeriodMsOf(periodScale);
  const widgets: Record<string, (number | null)[][]> = {};
  for (const widget of allWidgets(spec)) {
    widgets[widget.id] = [...widget.left, ...widget.right].map((s) =>
      seriesValues(store, s, graphPeriodMs, timestamps.length, now),
    );
  }
  const alarms: Record<string, { state: AlarmState; values: (number | null)[] }> = {};
  for (const alarm of allAlarms(spec)) {
    const alarmPeriodMs = alarm.series.periodSeconds * 1000 * periodScale;
    const values = seriesValues(store, alarm.series, alarmPeriodMs, alarm.evaluationPeriods, now);
    alarms[alarm.id] = {
      state: isLocal(alarm.series) ? evaluateAlarm(alarm, values) : 'INSUFFICIENT_DATA',
      values,
    };
  }
  return { now, timestamps, widgets, alarms };
}

const PIPELINE_METRICS = new PipelineMetrics();

/**
 * The handlers' own write counts since the console started, from the EMF it already reads: exact counts of
 * writes (a user written again, e.g. by a replay, counts again), never a query to a store.
 */
export function writtenSinceStart(store: MetricStore): StoreCount[] {
  const users = store.total(PIPELINE_METRICS.endToEndLatency('p50'));
  const deadLetters = store.total(PIPELINE_METRICS.recordsInvalid());
  return [
    {
      store: 'postgres, cassandra',
      table: 'users written',
      unit: 'rows',
      count: users.count,
      exact: true,
      source:
        "exact: the processor's EMF since the console started (one EndToEndLatency value per user written to every store)",
    },
    {
      store: 'postgres',
      table: 'dead letters written',
      unit: 'rows',
      count: deadLetters.sum,
      exact: true,
      source: "exact: the processor's RecordsInvalid (EMF) since the console started",
    },
  ];
}
