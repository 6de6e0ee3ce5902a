/**
 * The dashboard and alarms as plain data: what CloudWatch draws in AWS and what the local console draws on
 * this machine. No aws-cdk-lib here (the local console loads these modules); `render/` turns them into CDK.
 */

/** CloudWatch statistics the definition uses (`pNN` percentiles included). */
export type Statistic = 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'SampleCount' | `p${number}`;

/** One CloudWatch metric: namespace, name, dimensions, statistic and period. */
export interface MetricSpec {
  readonly kind: 'metric';
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  readonly periodSeconds: number;
  readonly label: string;
}

/** A metric-math or SEARCH expression over metrics (ids → metrics). */
export interface ExpressionSpec {
  readonly kind: 'expression';
  readonly expression: string;
  readonly usingMetrics: Readonly<Record<string, MetricSpec>>;
  readonly periodSeconds: number;
  readonly label: string;
}

export type SeriesSpec = MetricSpec | ExpressionSpec;

/** A line graph: series on the left axis, optionally more on the right. */
export interface GraphWidgetSpec {
  /** Unique within the dashboard; the console's element id. */
  readonly id: string;
  readonly title: string;
  readonly left: readonly SeriesSpec[];
  readonly right: readonly SeriesSpec[];
  /** Grid columns out of 24. */
  readonly width: number;
  readonly height: number;
}

export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

export type TreatMissingData = 'notBreaching' | 'breaching' | 'ignore' | 'missing';

/** One alarm: M of N periods of a series compared with a threshold. */
export interface AlarmSpec {
  /** Short name: alarm name suffix and the runbook anchor (`docs/runbook.md#<id>`). */
  readonly id: string;
  readonly description: string;
  readonly series: SeriesSpec;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

/** A titled row of widgets. */
export interface RowSpec {
  readonly title: string;
  readonly widgets: readonly GraphWidgetSpec[];
}

/** One concern of the pipeline: its rows and its alarms. */
export interface SegmentSpec {
  readonly id: string;
  readonly title: string;
  readonly rows: readonly RowSpec[];
  readonly alarms: readonly AlarmSpec[];
}

/** The whole dashboard: segments in display order. */
export interface DashboardSpec {
  readonly name: string;
  readonly segments: readonly SegmentSpec[];
}

/** Where every alarm's entry lives, relative to the repository root. */
export const RUNBOOK_PATH = 'docs/runbook.md';

/** The runbook link an alarm's description ends with. */
export function runbookLink(alarmId: string): string {
  return `${RUNBOOK_PATH}#${alarmId}`;
}

/** An alarm's name in CloudWatch: the dashboard's name (`realtime-user-pipeline-<stage>`), then its id. */
export function alarmName(dashboard: Pick<DashboardSpec, 'name'>, alarmId: string): string {
  return `${dashboard.name}-${alarmId}`;
}

/** Every widget of a dashboard, in display order. */
export function allWidgets(dashboard: DashboardSpec): GraphWidgetSpec[] {
  return dashboard.segments.flatMap((s) => s.rows.flatMap((r) => r.widgets));
}

/** Every alarm of a dashboard, in display order. */
export function allAlarms(dashboard: DashboardSpec): AlarmSpec[] {
  return dashboard.segments.flatMap((s) => s.alarms);
}

/** Every metric a series reads (an expression's inputs, or the metric itself). */
export function metricsOf(series: SeriesSpec): MetricSpec[] {
  return series.kind === 'metric' ? [series] : Object.values(series.usingMetrics);
}
