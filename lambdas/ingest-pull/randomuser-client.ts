import {
  isRetryableUpstreamError,
  PullDeadlineExceededError,
  UpstreamApiError,
  UpstreamNetworkError,
  UpstreamResponseError,
} from './errors.js';
import { fullJitterDelayMs, parseRetryAfterMs, sleep } from './retry.js';

/** What randomuser.me documents as the most results one request may ask for. */
export const RANDOMUSER_MAX_RESULTS_PER_REQUEST = 5000;

export interface RandomUserPageRequest {
  /** Same seed + page + results → same users, which is what makes paging consistent. */
  readonly seed: string;
  /** 1-based. */
  readonly page: number;
  readonly results: number;
}

export interface RetryNotice {
  readonly request: RandomUserPageRequest;
  /** The attempt that failed, 1-based. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: Error;
}

export interface FetchPageOptions {
  /** Epoch ms: no attempt starts after it and none runs past it. */
  readonly deadline: number;
  readonly onRetry?: (notice: RetryNotice) => void;
}

/** Where users come from; RandomUserClient is the HTTP implementation. */
export interface RandomUserSource {
  fetchPage(request: RandomUserPageRequest, options: FetchPageOptions): Promise<unknown[]>;
}

export interface RandomUserClientOptions {
  /** e.g. https://randomuser.me; the API lives at `<base>/api/`. */
  readonly baseUrl: string;
  readonly requestTimeoutMs: number;
  /** Attempts per page, the first included. */
  readonly maxAttempts: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly fetch?: typeof globalThis.fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

/**
 * Client of the randomuser.me API (or a compatible one). Retries 429, 5xx and network failures with
 * exponential backoff and full jitter (at least Retry-After when the server sends one), within the
 * caller's deadline; other failures are thrown at once.
 */
export class RandomUserClient implements RandomUserSource {
  private readonly fetch: typeof globalThis.fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: RandomUserClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  pageUrl(request: RandomUserPageRequest): URL {
    const base = this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`;
    const url = new URL('api/', base);
    url.searchParams.set('results', String(request.results));
    url.searchParams.set('seed', request.seed);
    url.searchParams.set('page', String(request.page));
    return url;
  }

  async fetchPage(request: RandomUserPageRequest, options: FetchPageOptions): Promise<unknown[]> {
    const url = this.pageUrl(request);
    let lastError: Error | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const remainingMs = options.deadline - this.now();
      if (remainingMs <= 0) {
        throw new PullDeadlineExceededError(
          `deadline reached before page ${request.page} could be fetched${lastError ? ` (last error: ${lastError.message})` : ''}`,
          { cause: lastError },
        );
      }
      try {
        return await this.fetchOnce(url, Math.min(this.options.requestTimeoutMs, remainingMs));
      } catch (error) {
        if (
          !(error instanceof Error) ||
          !isRetryableUpstreamError(error) ||
          attempt >= this.options.maxAttempts
        ) {
          throw error;
        }
        lastError = error;
        const backoffMs = fullJitterDelayMs(
          attempt,
          { baseMs: this.options.retryBaseDelayMs, capMs: this.options.retryMaxDelayMs },
          this.random,
        );
        const retryAfterMs = error instanceof UpstreamApiError ? (error.retryAfterMs ?? 0) : 0;
        const delayMs = Math.max(backoffMs, retryAfterMs);
        if (this.now() + delayMs >= options.deadline) {
          throw new PullDeadlineExceededError(
            `page ${request.page} failed (${error.message}) and the next retry, in ${delayMs} ms, would pass the deadline`,
            { cause: error },
          );
        }
        options.onRetry?.({ request, attempt, delayMs, error });
        await this.sleep(delayMs);
      }
    }
  }

  private async fetchOnce(url: URL, timeoutMs: number): Promise<unknown[]> {
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, { signal, headers: { accept: 'application/json' } });
      // Reading the body is covered by the same timeout.
      text = await response.text();
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no complete response within ${timeoutMs} ms`
          : describeNetworkError(error);
      throw new UpstreamNetworkError(`GET ${url.origin}${url.pathname} failed: ${reason}`, { cause: error });
    }
    if (!response.ok) {
      throw new UpstreamApiError(
        response.status,
        `GET ${url.origin}${url.pathname} answered ${response.status}${excerpt(text)}`,
        parseRetryAfterMs(response.headers.get('retry-after'), this.now()),
      );
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      throw new UpstreamResponseError(
        `GET ${url.origin}${url.pathname} answered ${response.status} with non-JSON`,
      );
    }
    if (typeof document === 'object' && document !== null) {
      const { results, error } = document as { results?: unknown; error?: unknown };
      if (Array.isArray(results)) return results;
      // randomuser.me reports its own failures as { "error": "..." }; treat them like a 503.
      if (typeof error === 'string') {
        throw new UpstreamApiError(503, `randomuser API error: ${error.slice(0, 200)}`);
      }
    }
    throw new UpstreamResponseError(
      `GET ${url.origin}${url.pathname} answered ${response.status} without a "results" array`,
    );
  }
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici puts the useful part (ECONNREFUSED, ECONNRESET, ...) in the cause.
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

function excerpt(text: string): string {
  const trimmed = text.trim().slice(0, 200);
  return trimmed === '' ? '' : `: ${trimmed}`;
}
