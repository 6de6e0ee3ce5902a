/** A stage's throttle as API Gateway applies it: a steady rate and a burst (the bucket's size). */
export interface ThrottleSettings {
  /** Tokens added per second (api.throttleRateLimit). */
  readonly rateLimit: number;
  /** The bucket's capacity: requests that may arrive at once after a quiet spell (api.throttleBurstLimit). */
  readonly burstLimit: number;
}

/** Thrown for a throttle that could never let a request through. */
export class InvalidThrottleError extends Error {
  override readonly name = 'InvalidThrottleError';
}

/**
 * The token bucket API Gateway throttles with: it starts full (burst tokens), refills at the rate up to the
 * burst, and each request takes one token or is refused (429).
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  /** @param now milliseconds on a monotonic clock; injectable for tests */
  constructor(
    readonly settings: ThrottleSettings,
    private readonly now: () => number = () => performance.now(),
  ) {
    const { rateLimit, burstLimit } = settings;
    if (!(rateLimit > 0) || !Number.isInteger(burstLimit) || burstLimit < 1) {
      throw new InvalidThrottleError(
        `a throttle needs a rate above 0 and a whole burst of at least 1, got rate ${rateLimit}, burst ${burstLimit}`,
      );
    }
    this.tokens = burstLimit;
    this.refilledAt = now();
  }

  /** Takes one token; false when the bucket is empty (the request is throttled). */
  tryTake(): boolean {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1_000;
    this.tokens = Math.min(this.settings.burstLimit, this.tokens + elapsedSeconds * this.settings.rateLimit);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
