import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { HmacSHA256, SHA256 } from '../../lambdas/shared/clients/crypto-js-sha256-shim.js';

interface WordArray {
  toString(): string;
}
// The real library, as aws-sigv4-auth-cassandra-plugin loads it, to compare against.
const CryptoJS = createRequire(import.meta.url)('crypto-js') as {
  SHA256(message: string | WordArray): WordArray;
  HmacSHA256(message: string | WordArray, key: string | WordArray): WordArray;
};

const messages = ['', 'nonce=91703fdc2ef562e19fbdab0f58e42fe5', 'Zoë Müller ✓ 日本', 'a'.repeat(10_000)];

describe('crypto-js shim', () => {
  it.each(messages)('SHA256(%#) prints the same hex as crypto-js', (message) => {
    expect(SHA256(message).toString()).toBe(CryptoJS.SHA256(message).toString());
  });

  it('derives the same SigV4 signing key and signature as crypto-js (digests chained as keys)', () => {
    const chain = (hmac: typeof HmacSHA256 | typeof CryptoJS.HmacSHA256) => {
      const date = hmac('20240501', 'AWS4wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
      const region = hmac('eu-west-1', date as never);
      const service = hmac('cassandra', region as never);
      const signingKey = hmac('aws4_request', service as never);
      return hmac('AWS4-HMAC-SHA256\n2024-05-01T12:00:00.000Z\nscope\nabc', signingKey as never).toString();
    };
    const expected = chain(CryptoJS.HmacSHA256);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
    expect(chain(HmacSHA256)).toBe(expected);
  });

  it('a digest interpolated into a string is its hex, as the plugin builds its canonical request', () => {
    const digest = SHA256('nonce');
    expect(`${digest}`).toBe(CryptoJS.SHA256('nonce').toString());
  });
});
