import { CheckFailedError, type CheckResult, left, pass, type VerifyContext } from '../check.js';
import type { StagePorts } from '../ports.js';

/**
 * Deletes the users the run wrote, through the stage's erasure route. Until the stage has one, says which users
 * it left behind instead of passing: they are recognisable by their ids (`<run>-7e57-4000-8000-<n>`).
 */
export async function checkCleanup(ports: StagePorts, context: VerifyContext): Promise<CheckResult> {
  const ids = context.record.userIds;
  const poison = context.record.poison;
  const letter = poison
    ? `; its poison dead letter stays (${poison.topic}/${poison.partition}@${poison.offset})`
    : '';
  if (ids.length === 0) return pass(`no users to delete${letter}`);
  if (!ports.erasure) {
    return left(
      `${ids.length} users not deleted, the stage has no erasure route yet: ${ids.join(', ')}${letter}`,
    );
  }
  const { erased, failed } = await ports.erasure.eraseUsers(ids);
  if (failed.length > 0) throw new CheckFailedError(`could not delete ${failed.join(', ')}`);
  return pass(`${erased.length} users deleted${letter}`);
}
