import { describe, expect, it } from 'vitest';
import { isStaleKeepAliveReset } from '../../../../bench/harness/keep-alive.js';

const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('isStaleKeepAliveReset', () => {
  it('retries only a reset on a reused keep-alive socket', () => {
    expect(isStaleKeepAliveReset({ reusedSocket: true }, reset)).toBe(true);
    // A fresh socket reset by the server: the server may have seen the request, so it is a failure.
    expect(isStaleKeepAliveReset({ reusedSocket: false }, reset)).toBe(false);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(isStaleKeepAliveReset({ reusedSocket: true }, refused)).toBe(false);
    expect(isStaleKeepAliveReset({ reusedSocket: true }, undefined)).toBe(false);
  });
});
