import type { PullResult } from '../../../lambdas/ingest-pull/pull-users.js';
import { CheckFailedError, type CheckResult, pass, type VerifyContext } from '../check.js';
import type { StagePorts } from '../ports.js';
import { verifyUsers } from '../verify-users.js';

/** Users a verify pull asks the pull function for. */
export const VERIFY_PULL_COUNT = 2;

/** Posts the run's users through the API with the stage's authentication: all must be accepted (202). */
export async function checkPush(ports: StagePorts, context: VerifyContext): Promise<CheckResult> {
  const users = verifyUsers(context.runId);
  const answer = await ports.api.postUsers({ users });
  const body = parseJson(answer.body) as { accepted?: number } | undefined;
  if (answer.status !== 202 || body?.accepted !== users.length) {
    throw new CheckFailedError(`POST /v1/users answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  }
  context.record.userIds.push(...users.map((user) => String(user.id)));
  return pass(`${users.length} users accepted (202): ${context.record.userIds.join(', ')}`);
}

/**
 * Invokes the pull function once: it must fetch and produce every user it asked for. Its users join the run's,
 * so the stores check follows them too (a pulled user's occurred_at is its registration date, years back) and
 * the cleanup erases them.
 */
export async function checkPull(ports: StagePorts, context: VerifyContext): Promise<CheckResult> {
  const result = await ports.lambda.invoke<PullResult>(ports.functions.pull, {
    count: VERIFY_PULL_COUNT,
    seed: `verify-${context.runId}`,
  });
  if (!result.complete || result.produced !== VERIFY_PULL_COUNT) {
    const why = result.error ? `${result.error.name}: ${result.error.message}` : `${result.failed} refused`;
    throw new CheckFailedError(`produced ${result.produced} of ${VERIFY_PULL_COUNT} (${why})`);
  }
  context.record.userIds.push(...result.producedUserIds);
  return pass(
    `${result.produced} users fetched and produced in ${result.durationMs} ms (${result.retries} retries): ${result.producedUserIds.join(', ')}`,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
