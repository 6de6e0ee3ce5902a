import type { ReadUsersResponse } from '../../../lambdas/verification/requests.js';
import { CheckFailedError, type CheckResult, pass, type VerifyContext, waitFor } from '../check.js';
import type { StagePorts } from '../ports.js';
import { storeSummary } from './stores.js';

const ERASURE_ACCEPTED = 202;

/** true when no store holds any of the users any more. */
const erased = (reading: ReadUsersResponse) =>
  reading.stores.length > 0 && reading.stores.every((store) => 'found' in store && store.found.length === 0);

/**
 * Erases the users the run wrote through the stage's own erasure route (`DELETE /v1/users/{id}`, as a client
 * would), then waits until no store holds them. The poison record's dead letter stays: it holds no personal
 * data, and the dead_letter_retention DAG purges its raw bytes with the others.
 */
export async function checkCleanup(ports: StagePorts, context: VerifyContext): Promise<CheckResult> {
  const ids = context.record.userIds;
  const poison = context.record.poison;
  const letter = poison
    ? `; its poison dead letter stays (${poison.topic}/${poison.partition}@${poison.offset})`
    : '';
  if (ids.length === 0) return pass(`no users to delete${letter}`);
  const refused: string[] = [];
  for (const id of ids) {
    const answer = await ports.api.deleteUser(id);
    if (answer.status !== ERASURE_ACCEPTED)
      refused.push(`${id} (${answer.status} ${answer.body.slice(0, 200)})`);
  }
  if (refused.length > 0) throw new CheckFailedError(`DELETE /v1/users/{id} refused ${refused.join(', ')}`);
  const outcome = await waitFor(
    context,
    context.waits.storesMs,
    context.waits.pollMs,
    () =>
      ports.lambda.invoke<ReadUsersResponse>(ports.functions.verification, {
        action: 'read-users',
        userIds: ids,
      }),
    erased,
    (reading) => `waiting for the erasure in the stores: ${storeSummary(reading, ids)}`,
  );
  const seconds = Math.round(outcome.waitedMs / 1000);
  if (!outcome.done) {
    throw new CheckFailedError(`after ${seconds} s still stored: ${storeSummary(outcome.value, ids)}`);
  }
  return pass(
    `${ids.length} users erased from every store (${storeSummary(outcome.value, ids)}) after ${seconds} s${letter}`,
  );
}
