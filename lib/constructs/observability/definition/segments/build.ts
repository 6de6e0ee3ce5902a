import { slug } from '../props.js';
import type {
  AlarmSpec,
  ComparisonOperator,
  GraphWidgetSpec,
  RowSpec,
  SegmentSpec,
  SeriesSpec,
  TreatMissingData,
} from '../types.js';

/** A 6-high graph; `id` is made unique by prefixing the segment id. */
export function graph(
  segmentId: string,
  title: string,
  left: readonly SeriesSpec[],
  right: readonly SeriesSpec[] = [],
  width = 8,
): GraphWidgetSpec {
  return { id: `${segmentId}-${slug(title)}`, title, left, right, width, height: 6 };
}

/** Alarm defaults: above the threshold in 3 of 5 periods, missing data is fine. */
export function alarm(
  id: string,
  series: SeriesSpec,
  threshold: number,
  description: string,
  options: {
    comparison?: ComparisonOperator;
    evaluationPeriods?: number;
    datapointsToAlarm?: number;
    treatMissingData?: TreatMissingData;
  } = {},
): AlarmSpec {
  return {
    id,
    series,
    threshold,
    description,
    comparison: options.comparison ?? 'GreaterThanThreshold',
    evaluationPeriods: options.evaluationPeriods ?? 5,
    datapointsToAlarm: options.datapointsToAlarm ?? 3,
    treatMissingData: options.treatMissingData ?? 'notBreaching',
  };
}

/** A segment, or undefined when it has nothing to show (e.g. no MWAA on LocalStack). */
export function segment(
  id: string,
  title: string,
  rows: readonly (RowSpec | undefined)[],
  alarms: readonly (AlarmSpec | undefined)[],
): SegmentSpec | undefined {
  const present = rows.filter((r): r is RowSpec => r !== undefined && r.widgets.length > 0);
  if (present.length === 0) return undefined;
  return { id, title, rows: present, alarms: alarms.filter((a): a is AlarmSpec => a !== undefined) };
}
