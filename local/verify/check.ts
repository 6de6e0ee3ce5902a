/** The shape of a verify check and what its run shares with the others. */
import type { SendPoisonResponse } from '../../lambdas/verification/requests.js';
import type { ExpectedStage } from './expected.js';
import type { StagePorts } from './ports.js';

/**
 * pass: proven; fail: broken (verify exits 1); left: could not be proven or done yet, said why (verify still
 * exits 0, e.g. metric dimensions CloudWatch does not list yet); skip: an earlier check it needs failed.
 */
export type CheckStatus = 'pass' | 'fail' | 'left' | 'skip';

export interface CheckResult {
  readonly status: CheckStatus;
  readonly detail: string;
}

/** What one run writes and shares between its checks. */
export interface RunRecord {
  /** Users the push check got accepted. */
  userIds: string[];
  /** Where the poison record landed. */
  poison?: SendPoisonResponse;
}

/** Timing of the waits; the runner's clock and sleep are injectable for tests. */
export interface Waits {
  /** Longest wait for the users in the stores and the poison record in dead letters. */
  readonly storesMs: number;
  /** Longest wait for the data_quality run. */
  readonly dagMs: number;
  /** Between two probes. */
  readonly pollMs: number;
}

export interface VerifyContext {
  readonly runId: string;
  readonly startedAt: Date;
  readonly expected: ExpectedStage;
  readonly waits: Waits;
  readonly record: RunRecord;
  /** One line of progress during a long wait (stderr). */
  readonly progress: (message: string) => void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** One line of `npm run verify`: a named check with its runbook entry. */
export interface VerifyCheck {
  readonly name: string;
  /** The runbook anchor named when it does not pass (docs/runbook.md#<anchor>). */
  readonly runbook: string;
  run(ports: StagePorts, context: VerifyContext): Promise<CheckResult>;
}

/** Thrown inside a check to fail it with a one-line reason. */
export class CheckFailedError extends Error {
  override readonly name = 'CheckFailedError';
}

export const pass = (detail: string): CheckResult => ({ status: 'pass', detail });
export const left = (detail: string): CheckResult => ({ status: 'left', detail });
export const skip = (detail: string): CheckResult => ({ status: 'skip', detail });

/**
 * Probes until `done` says so or the time is up; reports progress about every 15 s. Returns the last probe.
 */
export async function waitFor<T>(
  context: Pick<VerifyContext, 'now' | 'sleep' | 'progress'>,
  timeoutMs: number,
  pollMs: number,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  describe: (value: T) => string,
): Promise<{ value: T; done: boolean; waitedMs: number }> {
  const started = context.now();
  let reported = started;
  for (;;) {
    const value = await probe();
    const waitedMs = context.now() - started;
    if (done(value)) return { value, done: true, waitedMs };
    if (waitedMs >= timeoutMs) return { value, done: false, waitedMs };
    if (context.now() - reported >= 15_000) {
      context.progress(`${describe(value)} (${Math.round(waitedMs / 1000)} s)`);
      reported = context.now();
    }
    await context.sleep(Math.min(pollMs, Math.max(0, timeoutMs - waitedMs)));
  }
}
