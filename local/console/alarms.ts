import type { AlarmSpec, ComparisonOperator } from '../../lib/constructs/observability/definition/types.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

function breaches(value: number, comparison: ComparisonOperator, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

/**
 * CloudWatch's M-of-N evaluation of one alarm over its last `evaluationPeriods` complete periods (oldest
 * first; null = no data): ALARM when at least `datapointsToAlarm` breach. Missing data is treated as the
 * alarm says; with `missing`/`ignore` and no data at all the state is INSUFFICIENT_DATA.
 */
export function evaluateAlarm(spec: AlarmSpec, periods: readonly (number | null)[]): AlarmState {
  let breaching = 0;
  let present = 0;
  for (const value of periods.slice(-spec.evaluationPeriods)) {
    if (value === null) {
      if (spec.treatMissingData === 'breaching') breaching++;
      if (spec.treatMissingData === 'breaching' || spec.treatMissingData === 'notBreaching') present++;
      continue;
    }
    present++;
    if (breaches(value, spec.comparison, spec.threshold)) breaching++;
  }
  if (breaching >= spec.datapointsToAlarm) return 'ALARM';
  return present === 0 ? 'INSUFFICIENT_DATA' : 'OK';
}
