import { createHash } from 'node:crypto';

/** Where a dead letter came from; decides what identifies "the same" dead letter when it recurs. */
export type DeadLetterOrigin =
  | {
      readonly kind: 'kafka';
      readonly topic: string;
      readonly partition: number;
      /** Kafka offsets exceed 2^53 in theory, so strings and bigints are accepted. */
      readonly offset: number | bigint | string;
    }
  | {
      /** Not from Kafka (e.g. a pull that failed before producing): identified by source and raw bytes. */
      readonly kind: 'raw';
      readonly source: string;
      readonly rawValue: Uint8Array | string;
    };

/**
 * The value of dead_letters.fingerprint (sha256 hex). A redelivered Kafka record maps to the same row
 * whatever its content; a non-Kafka dead letter with identical bytes from the same source does too.
 */
export function deadLetterFingerprint(origin: DeadLetterOrigin): string {
  const hash = createHash('sha256');
  if (origin.kind === 'kafka') {
    // Normalise the offset so 42, 42n and '42' agree.
    hash.update(
      `kafka\u0000${origin.topic}\u0000${origin.partition}\u0000${BigInt(origin.offset).toString()}`,
    );
  } else {
    hash.update(`raw\u0000${origin.source}\u0000`);
    hash.update(typeof origin.rawValue === 'string' ? Buffer.from(origin.rawValue, 'utf8') : origin.rawValue);
  }
  return hash.digest('hex');
}
