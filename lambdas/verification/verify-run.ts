/**
 * What one `npm run verify` run writes, recognisable afterwards: its users and its one poison record carry
 * the run id. Shared by the verification function (which produces the poison record) and the verify command
 * (which posts the users and cleans up after them).
 */

/** A verify run id: 8 lowercase hex digits, the first group of every user id the run posts. */
export const VERIFY_RUN_ID_PATTERN = /^[0-9a-f]{8}$/;

/** The fixed middle of a verify user id: `<run id>-7e57-4000-8000-<n>` (a version-4, variant-1 UUID). */
const VERIFY_ID_MIDDLE = '7e57-4000-8000';

/** Matches the users of any verify run (what an operator filters on to find them). */
export const VERIFY_USER_ID_PATTERN = /^[0-9a-f]{8}-7e57-4000-8000-[0-9a-f]{12}$/;

/** Thrown when a run id is not 8 lowercase hex digits. */
export class InvalidVerifyRunIdError extends Error {
  override readonly name = 'InvalidVerifyRunIdError';
}

function checkRunId(runId: string): void {
  if (!VERIFY_RUN_ID_PATTERN.test(runId)) {
    throw new InvalidVerifyRunIdError(
      `verify run id must be 8 lowercase hex digits, got ${JSON.stringify(runId)}`,
    );
  }
}

/** The id of the run's `index`-th user (0-based). */
export function verifyUserId(runId: string, index: number): string {
  checkRunId(runId);
  return `${runId}-${VERIFY_ID_MIDDLE}-${index.toString(16).padStart(12, '0')}`;
}

/** The run a verify user id belongs to, or undefined for any other id. */
export function verifyRunOf(userId: string): string | undefined {
  return VERIFY_USER_ID_PATTERN.test(userId) ? userId.slice(0, 8) : undefined;
}

/**
 * The run's poison record: not JSON, so the processor dead-letters it with reason `invalid_json` and writes
 * nothing else. Its key and header name the run.
 */
export function poisonRecord(runId: string): {
  key: string;
  value: string;
  headers: Record<string, string>;
} {
  checkRunId(runId);
  return {
    key: `verify-${runId}-poison`,
    value: `verify poison record of run ${runId}: deliberately not JSON`,
    headers: { 'verify-run': runId },
  };
}

/** The dead-letter reason the processor gives the poison record. */
export const POISON_DEAD_LETTER_REASON = 'invalid_json';
