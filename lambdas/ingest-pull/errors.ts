import type { ContractIssue } from '../shared/contract/index.js';

/** The randomuser-compatible API answered with an error status (or an `{ "error": ... }` document). */
export class UpstreamApiError extends Error {
  override readonly name = 'UpstreamApiError';

  constructor(
    readonly status: number,
    message: string,
    /** Parsed Retry-After, when the response had one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** 429 and 5xx are worth retrying; other 4xx mean the request itself is wrong. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** The request did not complete: connection refused/reset, DNS failure, or the per-request timeout. */
export class UpstreamNetworkError extends Error {
  override readonly name = 'UpstreamNetworkError';
  readonly retryable = true;
}

/** A 2xx response that is not the randomuser.me document (`{ results: [...], info }`). */
export class UpstreamResponseError extends Error {
  override readonly name = 'UpstreamResponseError';
  readonly retryable = false;
}

/** The pull ran out of time (its own deadline or the Lambda's remaining time) before a page was fetched. */
export class PullDeadlineExceededError extends Error {
  override readonly name = 'PullDeadlineExceededError';
}

/** The invocation input is not `{ "count"?: 1..5000, "seed"?: string }`. */
export class InvalidPullRequestError extends Error {
  override readonly name = 'InvalidPullRequestError';

  constructor(readonly issues: readonly ContractIssue[]) {
    super(
      `invalid ingest-pull input: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
    );
  }
}

export function isRetryableUpstreamError(error: unknown): boolean {
  return (
    (error instanceof UpstreamApiError && error.retryable) ||
    (error instanceof UpstreamNetworkError && error.retryable)
  );
}
