import { RUNBOOK_PATH } from '../../lib/constructs/observability/definition/types.js';
import {
  CheckFailedError,
  type CheckResult,
  type CheckStatus,
  type VerifyCheck,
  type VerifyContext,
} from './check.js';
import type { StagePorts } from './ports.js';

/** One printed line: the check, its outcome and duration. */
export interface CheckReport extends CheckResult {
  readonly name: string;
  readonly runbook: string;
  readonly durationMs: number;
}

export interface VerifyReport {
  readonly checks: readonly CheckReport[];
  readonly durationMs: number;
  /** 0 unless a check failed. */
  readonly exitCode: number;
}

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', left: 'LEFT', skip: 'SKIP' };

/** `PASS  push           1.2 s  3 users accepted …`, and the runbook entry under any line that did not pass. */
export function formatCheck(report: CheckReport): string {
  const seconds = `${(report.durationMs / 1000).toFixed(1)} s`.padStart(8);
  const line = `${LABEL[report.status]}  ${report.name.padEnd(14)}${seconds}  ${report.detail}`;
  return report.status === 'pass' ? line : `${line}\n      runbook: ${RUNBOOK_PATH}#${report.runbook}`;
}

export function formatSummary(report: VerifyReport): string {
  const count = (status: CheckStatus) => report.checks.filter((c) => c.status === status).length;
  const parts = [`${count('pass')} passed`, `${count('fail')} failed`];
  if (count('left') > 0) parts.push(`${count('left')} left (${namesOf(report, 'left')})`);
  if (count('skip') > 0) parts.push(`${count('skip')} skipped (${namesOf(report, 'skip')})`);
  return `${parts.join(', ')} in ${(report.durationMs / 1000).toFixed(1)} s`;
}

const namesOf = (report: VerifyReport, status: CheckStatus) =>
  report.checks
    .filter((c) => c.status === status)
    .map((c) => c.name)
    .join(', ');

async function runOne(check: VerifyCheck, ports: StagePorts, context: VerifyContext): Promise<CheckResult> {
  try {
    return await check.run(ports, context);
  } catch (error) {
    const detail =
      error instanceof CheckFailedError
        ? error.message
        : `${error instanceof Error ? error.name : 'Error'}: ${error instanceof Error ? error.message : String(error)}`;
    return { status: 'fail', detail: detail.split('\n')[0] ?? detail };
  }
}

/** Runs every check in order (a failure does not stop the later ones) and prints each line as it ends. */
export async function runChecks(
  checks: readonly VerifyCheck[],
  ports: StagePorts,
  context: VerifyContext,
  print: (line: string) => void,
): Promise<VerifyReport> {
  const started = context.now();
  const reports: CheckReport[] = [];
  for (const check of checks) {
    const checkStarted = context.now();
    const result = await runOne(check, ports, context);
    const report = {
      ...result,
      name: check.name,
      runbook: check.runbook,
      durationMs: context.now() - checkStarted,
    };
    reports.push(report);
    print(formatCheck(report));
  }
  const report = {
    checks: reports,
    durationMs: context.now() - started,
    exitCode: reports.some((r) => r.status === 'fail') ? 1 : 0,
  };
  print(formatSummary(report));
  return report;
}
