import { PIPELINE_METRICS_NAMESPACE } from '../../lambdas/shared/metrics-namespace.js';
import {
  allAlarms,
  allWidgets,
  type DashboardSpec,
  runbookLink,
  type SeriesSpec,
} from '../../lib/constructs/observability/definition/types.js';
import { type AlarmState, evaluateAlarm } from './alarms.js';
import type { MetricStore } from './metric-store.js';

/** Namespaces something on this machine publishes: the handlers' EMF, and the local Lambda/API runtime. */
const LOCAL_NAMESPACES = new Set([PIPELINE_METRICS_NAMESPACE, 'AWS/Lambda', 'AWS/ApiGateway']);

/** Periods drawn per graph. */
const PERIODS_SHOWN = 30;

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
    periodSeconds: 60 * periodScale,
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
      rule: `${a.series.label} ${a.comparison.replace('Threshold', '')} ${a.threshold} in ${a.datapointsToAlarm} of ${a.evaluationPeriods} periods`,
      runbook: `/${runbookLink(a.id)}`,
      local: isLocal(a.series),
    })),
  };
}

function seriesValues(
  store: MetricStore,
  series: SeriesSpec,
  periodScale: number,
  periods: number,
  now: number,
): (number | null)[] {
  if (series.kind !== 'metric' || !isLocal(series)) return new Array<null>(periods).fill(null);
  return store.query(series, series.periodSeconds * 1000 * periodScale, periods, now);
}

/** Every widget's values per period and every alarm's state, now. */
export function dashboardState(store: MetricStore, spec: DashboardSpec, periodScale: number, now: number) {
  const periodMs = 60_000 * periodScale;
  const lastStart = Math.floor(now / periodMs) * periodMs;
  const timestamps = Array.from(
    { length: PERIODS_SHOWN },
    (_, i) => (lastStart - (PERIODS_SHOWN - 1 - i) * periodMs) / 1000,
  );
  const widgets: Record<string, (number | null)[][]> = {};
  for (const widget of allWidgets(spec)) {
    widgets[widget.id] = [...widget.left, ...widget.right].map((s) =>
      seriesValues(store, s, periodScale, PERIODS_SHOWN, now),
    );
  }
  const alarms: Record<string, { state: AlarmState; values: (number | null)[] }> = {};
  for (const alarm of allAlarms(spec)) {
    const values = seriesValues(store, alarm.series, periodScale, alarm.evaluationPeriods, now);
    alarms[alarm.id] = {
      state: isLocal(alarm.series) ? evaluateAlarm(alarm, values) : 'INSUFFICIENT_DATA',
      values,
    };
  }
  return { now, timestamps, widgets, alarms };
}
