/**
 * The two crypto-js functions `aws-sigv4-auth-cassandra-plugin` uses (SHA256, HmacSHA256), on node:crypto.
 * Bundles alias `crypto-js` to this module: the whole library is ~70 KB of the processor bundle for two
 * digests Node computes natively. A test checks every result against crypto-js itself.
 */
import { createHash, createHmac } from 'node:crypto';

/** What the plugin does with a crypto-js WordArray: passes it on as an HMAC key, or prints it as hex. */
export class Digest {
  constructor(readonly bytes: Buffer) {}

  toString(): string {
    return this.bytes.toString('hex');
  }
}

// crypto-js reads a string argument as UTF-8.
const bytesOf = (value: string | Digest): Buffer =>
  typeof value === 'string' ? Buffer.from(value, 'utf8') : value.bytes;

export function SHA256(message: string | Digest): Digest {
  return new Digest(createHash('sha256').update(bytesOf(message)).digest());
}

export function HmacSHA256(message: string | Digest, key: string | Digest): Digest {
  return new Digest(createHmac('sha256', bytesOf(key)).update(bytesOf(message)).digest());
}
