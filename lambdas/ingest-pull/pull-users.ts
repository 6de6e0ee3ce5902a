import { randomUUID } from 'node:crypto';
import {
  buildUserCreatedEvent,
  type ContractIssue,
  InvalidUserCreatedEventError,
  type UserCreatedEvent,
} from '../shared/contract/index.js';
import type { StructuredLogger } from '../shared/logger.js';
import { mapRandomUser } from './map-randomuser.js';
import type { PullRequest } from './pull-request.js';
import type { RandomUserPageRequest, RandomUserSource, RetryNotice } from './randomuser-client.js';

/** The `source` of every event this function produces. */
export const INGEST_PULL_SOURCE = 'ingest-pull';

/** How many failures a result lists in full; `failed` always has the total. */
export const MAX_LISTED_FAILURES = 10;
/** How many produced user ids a result lists. */
export const MAX_LISTED_USER_IDS = 100;

export interface PullFailure {
  /** Position of the user in the run (0-based, across pages). */
  readonly index: number;
  readonly reason: 'source_shape' | 'schema_violation';
  readonly user_id?: string;
  readonly issues: readonly ContractIssue[];
}

export interface PullResult {
  readonly requested: number;
  /** Users received from the API. */
  readonly fetched: number;
  /** Events Kafka acknowledged. */
  readonly produced: number;
  /** The user ids of the first MAX_LISTED_USER_IDS of them, so a caller can follow them (`npm run verify` does). */
  readonly producedUserIds: readonly string[];
  /** Users refused by the mapping or the contract (not produced). */
  readonly failed: number;
  /** The first MAX_LISTED_FAILURES failures with their reasons. */
  readonly failures: readonly PullFailure[];
  readonly seed: string;
  readonly pages: number;
  readonly retries: number;
  /** False when the run stopped early; `error` says why. Everything counted in `produced` is in Kafka. */
  readonly complete: boolean;
  readonly error?: { readonly name: string; readonly message: string };
  readonly durationMs: number;
}

export interface PullDependencies {
  readonly source: RandomUserSource;
  /** Produces the events in one send and resolves once Kafka acknowledged all of them. */
  readonly publish: (events: readonly UserCreatedEvent[]) => Promise<unknown>;
  readonly logger: StructuredLogger;
  /** Users per API request; also the most events per Kafka send. */
  readonly pageSize: number;
  /** Epoch ms after which no page is fetched. */
  readonly deadline: number;
  readonly now?: () => number;
  /** Id for a user the source gives none for. */
  readonly newUserId?: () => string;
}

/** One API request of a run: always `results = pageSize` when paging, or randomuser's offsets would shift. */
export interface PagePlan extends RandomUserPageRequest {
  /** How many of the page's results belong to the run (the last page may be cut short). */
  readonly take: number;
}

export function planPages(count: number, seed: string, pageSize: number): PagePlan[] {
  if (count <= pageSize) return [{ seed, page: 1, results: count, take: count }];
  const pages: PagePlan[] = [];
  for (let page = 1, remaining = count; remaining > 0; page += 1, remaining -= pageSize) {
    pages.push({ seed, page, results: pageSize, take: Math.min(pageSize, remaining) });
  }
  return pages;
}

/**
 * The tutorial's get_data → format_data → produce, done page by page: fetch (with retries), map and
 * validate every user, then produce the valid ones in one acknowledged send per page. Invalid users are
 * counted and described, never produced. occurred_at is the user's registered date (when the source
 * created the user), so a re-fetch of the same seed yields identical events apart from event_id and
 * ingested_at.
 *
 * If a page cannot be fetched or produced, the run stops. When nothing was produced the error is thrown
 * (the invocation fails and its caller may retry); otherwise the result has `complete: false` and the
 * error, because what was produced is in Kafka and must be reported, not hidden behind a failure.
 */
export async function pullUsers(request: PullRequest, deps: PullDependencies): Promise<PullResult> {
  const now = deps.now ?? Date.now;
  const newUserId = deps.newUserId ?? randomUUID;
  const startedAt = now();
  const failures: PullFailure[] = [];
  const producedUserIds: string[] = [];
  let fetched = 0;
  let produced = 0;
  let failed = 0;
  let pages = 0;
  let retries = 0;
  let stoppedBy: Error | undefined;

  const onRetry = (notice: RetryNotice) => {
    retries += 1;
    deps.logger.warn('randomuser request failed; retrying', {
      page: notice.request.page,
      attempt: notice.attempt,
      delayMs: notice.delayMs,
      error: notice.error.message,
    });
  };

  for (const plan of planPages(request.count, request.seed, deps.pageSize)) {
    let results: unknown[];
    try {
      results = (await deps.source.fetchPage(plan, { deadline: deps.deadline, onRetry })).slice(0, plan.take);
    } catch (error) {
      stoppedBy = asError(error);
      break;
    }
    pages += 1;
    const offset = fetched;
    fetched += results.length;

    const events = eventsOfPage(results, offset, { newUserId, ingestedAt: new Date(now()) }, (failure) => {
      failed += 1;
      if (failures.length < MAX_LISTED_FAILURES) failures.push(failure);
    });
    if (events.length === 0) continue;
    try {
      await deps.publish(events);
    } catch (error) {
      stoppedBy = asError(error);
      break;
    }
    produced += events.length;
    for (const event of events.slice(0, MAX_LISTED_USER_IDS - producedUserIds.length)) {
      producedUserIds.push(event.payload.id);
    }
  }

  if (stoppedBy !== undefined && produced === 0) throw stoppedBy;
  const result: PullResult = {
    requested: request.count,
    fetched,
    produced,
    producedUserIds,
    failed,
    failures,
    seed: request.seed,
    pages,
    retries,
    complete: stoppedBy === undefined,
    ...(stoppedBy === undefined ? {} : { error: { name: stoppedBy.name, message: stoppedBy.message } }),
    durationMs: now() - startedAt,
  };
  if (stoppedBy !== undefined) {
    deps.logger.error('pull stopped early; the users counted as produced are in Kafka', {
      ...result,
      error: stoppedBy,
    });
  }
  return result;
}

/** The events of one page's results; each result refused by the mapping or the contract goes to `onFailure`. */
function eventsOfPage(
  results: readonly unknown[],
  offset: number,
  options: { readonly newUserId: () => string; readonly ingestedAt: Date },
  onFailure: (failure: PullFailure) => void,
): UserCreatedEvent[] {
  const events: UserCreatedEvent[] = [];
  results.forEach((result, i) => {
    const outcome = toEvent(result, options.newUserId, options.ingestedAt);
    if (outcome.ok) events.push(outcome.event);
    else onFailure({ index: offset + i, ...outcome.failure });
  });
  return events;
}

type EventOutcome =
  | { readonly ok: true; readonly event: UserCreatedEvent }
  | { readonly ok: false; readonly failure: Omit<PullFailure, 'index'> };

function toEvent(result: unknown, newUserId: () => string, ingestedAt: Date): EventOutcome {
  const mapped = mapRandomUser(result, newUserId);
  if (!mapped.ok) {
    const { reason, userId, issues } = mapped;
    return { ok: false, failure: { reason, issues, ...(userId === undefined ? {} : { user_id: userId }) } };
  }
  try {
    const event = buildUserCreatedEvent(mapped.payload, {
      source: INGEST_PULL_SOURCE,
      occurredAt: mapped.occurredAt,
      now: () => ingestedAt,
    });
    return { ok: true, event };
  } catch (error) {
    // The payload already passed the contract, so only the envelope can fail here; report, do not crash.
    if (!(error instanceof InvalidUserCreatedEventError)) throw error;
    return {
      ok: false,
      failure: { reason: 'schema_violation', user_id: mapped.payload.id, issues: error.issues },
    };
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
