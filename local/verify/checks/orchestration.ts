import { CheckFailedError, type CheckResult, pass, type VerifyContext } from '../check.js';
import type { StagePorts } from '../ports.js';

/** The DAG verify runs. */
export const VERIFY_DAG = 'data_quality';

/**
 * The data_quality conf of a verify run: the run's own window (from ten minutes before it started to a minute
 * from now) with the dead-letter threshold lifted, since the run dead-letters its poison record on purpose; every
 * other check keeps its default, and at least the run's users must be there.
 */
export function dataQualityConf(context: Pick<VerifyContext, 'startedAt' | 'now'>): Record<string, unknown> {
  return {
    window_start: new Date(context.startedAt.getTime() - 10 * 60_000).toISOString(),
    window_end: new Date(context.now() + 60_000).toISOString(),
    max_dead_letter_rate: 1,
    min_rows: 1,
  };
}

/** Triggers data_quality through the orchestrator's API and waits for the run to succeed. */
export async function checkOrchestration(ports: StagePorts, context: VerifyContext): Promise<CheckResult> {
  const started = context.now();
  const outcome = await ports.dags.runDag(
    VERIFY_DAG,
    `verify-${context.runId}`,
    dataQualityConf(context),
    context.waits.dagMs,
    context.progress,
  );
  const seconds = Math.round((context.now() - started) / 1000);
  const tasks = Object.entries(outcome.tasks)
    .map(([task, state]) => `${task} ${state}`)
    .join(', ');
  if (outcome.state !== 'success') {
    const why = outcome.problem ?? `run ${outcome.runId} ended ${outcome.state}`;
    throw new CheckFailedError(`${VERIFY_DAG}: ${why}${tasks ? ` (${tasks})` : ''} after ${seconds} s`);
  }
  return pass(`${VERIFY_DAG} run ${outcome.runId} succeeded in ${seconds} s (${tasks})`);
}
