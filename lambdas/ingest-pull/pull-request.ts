import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { toContractIssues } from '../shared/contract/issues.js';
import { InvalidPullRequestError } from './errors.js';

/** Most users one invocation may ask for (randomuser.me's own per-request maximum). */
export const MAX_PULL_COUNT = 5000;

const SEED_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The invocation input. EventBridge Scheduler passes the schedule's Input JSON as the event, MWAA's
 * LambdaInvokeFunctionOperator its payload, so both send e.g. `{ "count": 500 }`. Unknown fields are
 * refused, so a typo (`{"cout": 5}`) fails loudly instead of silently using the default.
 */
const pullInputSchema = z.strictObject({
  count: z.number().int().min(1).max(MAX_PULL_COUNT).optional(),
  seed: z.string().regex(SEED_PATTERN, 'must be 1-64 characters of [A-Za-z0-9_-]').optional(),
});

export interface PullRequest {
  readonly count: number;
  /** randomuser.me seed; a given seed always yields the same users, so a run can be repeated exactly. */
  readonly seed: string;
}

export function parsePullRequest(
  event: unknown,
  defaults: { readonly count: number; readonly newSeed?: () => string },
): PullRequest {
  const result = pullInputSchema.safeParse(event ?? {});
  if (!result.success) {
    throw new InvalidPullRequestError(toContractIssues(result.error.issues));
  }
  return {
    count: result.data.count ?? defaults.count,
    seed: result.data.seed ?? (defaults.newSeed ?? newSeed)(),
  };
}

/** A fresh seed in randomuser.me's own style (16 hex digits). */
export function newSeed(): string {
  return randomBytes(8).toString('hex');
}
