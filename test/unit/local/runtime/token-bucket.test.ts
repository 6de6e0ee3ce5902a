import { describe, expect, it } from 'vitest';
import { InvalidThrottleError, TokenBucket } from '../../../../local/runtime/token-bucket.js';

/** A bucket on a clock the test moves by hand. */
function bucketAt(rateLimit: number, burstLimit: number) {
  let now = 0;
  const bucket = new TokenBucket({ rateLimit, burstLimit }, () => now);
  return { bucket, advance: (ms: number) => (now += ms) };
}

const take = (bucket: TokenBucket, times: number) => Array.from({ length: times }, () => bucket.tryTake());

describe('TokenBucket (API Gateway throttle)', () => {
  it('starts full: the burst passes at once, the next request is refused', () => {
    const { bucket } = bucketAt(50, 100);
    expect(take(bucket, 100).every(Boolean)).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('refills at the rate: 50 req/s gives one token per 20 ms', () => {
    const { bucket, advance } = bucketAt(50, 100);
    take(bucket, 100);
    advance(19);
    expect(bucket.tryTake()).toBe(false);
    advance(1);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    advance(1_000);
    expect(take(bucket, 51).filter(Boolean)).toHaveLength(50);
  });

  it('never holds more than the burst, however long it stayed idle', () => {
    const { bucket, advance } = bucketAt(10, 3);
    advance(3_600_000);
    expect(take(bucket, 5)).toEqual([true, true, true, false, false]);
  });

  it('a refused request takes no token (the bucket refills for the next caller)', () => {
    const { bucket, advance } = bucketAt(1, 1);
    expect(bucket.tryTake()).toBe(true);
    expect(take(bucket, 10).some(Boolean)).toBe(false);
    advance(1_000);
    expect(bucket.tryTake()).toBe(true);
  });

  it('refuses settings that could never let a request through', () => {
    expect(() => new TokenBucket({ rateLimit: 0, burstLimit: 10 })).toThrow(InvalidThrottleError);
    expect(() => new TokenBucket({ rateLimit: 10, burstLimit: 0 })).toThrow(InvalidThrottleError);
    expect(() => new TokenBucket({ rateLimit: 10, burstLimit: 1.5 })).toThrow(InvalidThrottleError);
  });
});
