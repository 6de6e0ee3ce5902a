import { MwaaMetrics } from '../metrics/mwaa.js';
import type { DashboardProps } from '../props.js';
import type { SegmentSpec } from '../types.js';
import { graph, segment } from './build.js';

const ID = 'orchestration';

/** MWAA: DAG task outcomes, import errors and the scheduler's heartbeat. */
export function orchestrationSegment(props: DashboardProps): SegmentSpec | undefined {
  if (!props.mwaa) return undefined;
  const mwaa = new MwaaMetrics(props.mwaa.environmentName);
  return segment(
    ID,
    'Orchestration',
    [
      {
        title: 'MWAA',
        widgets: [
          graph(ID, 'Tasks', [mwaa.taskFailures(), mwaa.taskSuccesses()]),
          graph(ID, 'DAG import errors', [mwaa.importErrors()]),
          graph(ID, 'Scheduler heartbeat', [mwaa.schedulerHeartbeat()]),
        ],
      },
    ],
    [],
  );
}
