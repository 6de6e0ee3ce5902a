import type {
  ReadDeadLetterResponse,
  ReadUsersResponse,
  SendPoisonResponse,
  StoreReading,
} from '../../../lambdas/verification/requests.js';
import { POISON_DEAD_LETTER_REASON } from '../../../lambdas/verification/verify-run.js';
import { CheckFailedError, type CheckResult, pass, skip, type VerifyContext, waitFor } from '../check.js';
import type { StagePorts } from '../ports.js';

/** Each store with how many of the wanted users it holds, or why it could not be read. */
export function storeSummary(reading: ReadUsersResponse, wanted: readonly string[]): string {
  return reading.stores
    .map((store: StoreReading) =>
      'error' in store
        ? `${store.store}: unreadable (${store.error})`
        : `${store.store} ${store.found.length}/${wanted.length}`,
    )
    .join(', ');
}

const complete = (reading: ReadUsersResponse, wanted: readonly string[]) =>
  reading.stores.length > 0 &&
  reading.stores.every((store) => 'found' in store && wanted.every((id) => store.found.includes(id)));

/** Waits until every store of the processor holds every user the push check got accepted. */
export async function checkStores(ports: StagePorts, context: VerifyContext): Promise<CheckResult> {
  const wanted = context.record.userIds;
  if (wanted.length === 0) return skip('no users were accepted by the push check');
  const read = () =>
    ports.lambda.invoke<ReadUsersResponse>(ports.functions.verification, {
      action: 'read-users',
      userIds: wanted,
    });
  const outcome = await waitFor(
    context,
    context.waits.storesMs,
    context.waits.pollMs,
    read,
    (reading) => complete(reading, wanted),
    (reading) => `waiting for the users in the stores: ${storeSummary(reading, wanted)}`,
  );
  const seconds = Math.round(outcome.waitedMs / 1000);
  if (!outcome.done) throw new CheckFailedError(`after ${seconds} s: ${storeSummary(outcome.value, wanted)}`);
  return pass(
    `${wanted.length} users in every store (${storeSummary(outcome.value, wanted)}) after ${seconds} s`,
  );
}

/** Produces the run's poison record and waits for the processor to dead-letter it (reason invalid_json). */
export async function checkPoison(ports: StagePorts, context: VerifyContext): Promise<CheckResult> {
  const verification = ports.functions.verification;
  const landed = await ports.lambda.invoke<SendPoisonResponse>(verification, {
    action: 'send-poison',
    runId: context.runId,
  });
  context.record.poison = landed;
  const where = `${landed.topic}/${landed.partition}@${landed.offset}`;
  const outcome = await waitFor(
    context,
    context.waits.storesMs,
    context.waits.pollMs,
    () =>
      ports.lambda.invoke<ReadDeadLetterResponse>(verification, { action: 'read-dead-letter', ...landed }),
    (letter) => letter.found,
    () => `waiting for the poison record ${where} in dead_letters`,
  );
  const letter = outcome.value;
  const seconds = Math.round(outcome.waitedMs / 1000);
  if (!letter.found)
    throw new CheckFailedError(`poison record ${where} not in dead_letters after ${seconds} s`);
  if (letter.reason !== POISON_DEAD_LETTER_REASON) {
    throw new CheckFailedError(
      `poison record ${where} dead-lettered as ${letter.reason}, not ${POISON_DEAD_LETTER_REASON}`,
    );
  }
  return pass(`poison record ${where} dead-lettered (${letter.reason}) after ${seconds} s`);
}
