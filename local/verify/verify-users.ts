import { exampleUserPayload } from '../../lambdas/shared/contract/index.js';
import { verifyUserId } from '../../lambdas/verification/verify-run.js';

/** Users one verify run posts. */
export const VERIFY_USER_COUNT = 3;

/**
 * The run's users: valid payloads of the current schema version whose id, name, e-mail and username name the
 * run (`<run>-7e57-4000-8000-<n>`, `verify+<run>-<n>@example.invalid`), so an operator can find them.
 */
export function verifyUsers(runId: string, count = VERIFY_USER_COUNT): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({
    ...exampleUserPayload(),
    id: verifyUserId(runId, index),
    first_name: 'Verify',
    last_name: `Run ${runId}`,
    email: `verify+${runId}-${index}@example.invalid`,
    username: `verify_${runId}_${index}`,
  }));
}
