import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deadLetterFingerprint } from '../../../../../../lambdas/shared/schema/postgres/index.js';

const kafka = { kind: 'kafka', topic: 'users_created', partition: 3, offset: 42 } as const;

describe('deadLetterFingerprint', () => {
  it('is the sha256 of the Kafka position, in the format the dead_letters CHECK accepts', () => {
    const expected = createHash('sha256').update('kafka\u0000users_created\u00003\u000042').digest('hex');
    expect(deadLetterFingerprint(kafka)).toBe(expected);
    expect(deadLetterFingerprint(kafka)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on how the offset is typed', () => {
    const fingerprint = deadLetterFingerprint(kafka);
    expect(deadLetterFingerprint({ ...kafka, offset: '42' })).toBe(fingerprint);
    expect(deadLetterFingerprint({ ...kafka, offset: 42n })).toBe(fingerprint);
    expect(deadLetterFingerprint({ ...kafka, offset: '9007199254740993' })).not.toBe(
      deadLetterFingerprint({ ...kafka, offset: 9007199254740992 }),
    );
  });

  it('distinguishes topic, partition and offset, with no ambiguity from concatenation', () => {
    const fingerprints = new Set([
      deadLetterFingerprint(kafka),
      deadLetterFingerprint({ ...kafka, topic: 'users_created_dlq' }),
      deadLetterFingerprint({ ...kafka, partition: 4 }),
      deadLetterFingerprint({ ...kafka, offset: 43 }),
      deadLetterFingerprint({ ...kafka, partition: 34, offset: 2 }),
    ]);
    expect(fingerprints.size).toBe(5);
  });

  it('identifies non-Kafka dead letters by source and raw bytes', () => {
    const raw = { kind: 'raw', source: 'ingest-pull', rawValue: '{"bad":true}' } as const;
    expect(deadLetterFingerprint(raw)).toBe(
      deadLetterFingerprint({ ...raw, rawValue: Buffer.from(raw.rawValue) }),
    );
    expect(deadLetterFingerprint(raw)).not.toBe(deadLetterFingerprint({ ...raw, source: 'ingest-http' }));
    expect(deadLetterFingerprint(raw)).not.toBe(deadLetterFingerprint({ ...raw, rawValue: '{"bad":false}' }));
    expect(deadLetterFingerprint(raw)).not.toBe(deadLetterFingerprint(kafka));
  });
});
