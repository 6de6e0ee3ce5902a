/**
 * decodeMskRecord turns ASCII header bytes into a string directly and sends everything else through a Buffer.
 * Both paths must give exactly what decoding every value as UTF-8 gives.
 */
import type { MSKRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeMskRecord } from '../../../../lambdas/processor/msk-records.js';

/** The reference decoding (the previous implementation): low byte of each value, then UTF-8 with U+FFFD. */
const utf8Of = (bytes: readonly number[]) => Buffer.from(bytes.map((b) => b & 0xff)).toString('utf8');

function recordWithHeaders(headers: MSKRecord['headers']): MSKRecord {
  return {
    topic: 'users_created',
    partition: 0,
    offset: 7,
    timestamp: 1_714_564_800_000,
    timestampType: 'CREATE_TIME',
    key: Buffer.from('k').toString('base64'),
    value: Buffer.from('{}').toString('base64'),
    headers,
  };
}

const decodeOne = (bytes: number[]) => decodeMskRecord(recordWithHeaders([{ h: bytes }])).headers.h;

const signed = (bytes: readonly number[]) => bytes.map((b) => (b > 127 ? b - 256 : b));

const CASES: ReadonlyArray<readonly [string, number[]]> = [
  ['empty', []],
  ['ASCII', [...Buffer.from('user.created')]],
  ['every ASCII byte, NUL and DEL included', Array.from({ length: 128 }, (_, b) => b)],
  ['two-byte UTF-8', [...Buffer.from('Zoë')]],
  ['three- and four-byte UTF-8', [...Buffer.from('→ 李 🙂')]],
  ['UTF-8 as signed Java bytes', signed([...Buffer.from('Zoë 🙂')])],
  ['a lone continuation byte', [0x61, 0x80, 0x62]],
  ['a truncated sequence', [0xe2, 0x86]],
  ['an overlong encoding', [0xc0, 0xaf]],
  ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ['0xFF', [0xff]],
  ['-1 (0xFF signed)', [-1]],
  ['values above 255', [0x161, 0x162, 256]],
  ['values below -128', [-191, -255]],
  ['fractions', [65.7, 66.2]],
  ['1024 ASCII bytes', Array.from({ length: 1024 }, (_, i) => 0x41 + (i % 26))],
  ['1025 ASCII bytes', Array.from({ length: 1025 }, (_, i) => 0x41 + (i % 26))],
  ['100,000 ASCII bytes', new Array(100_000).fill(0x61)],
  ['ASCII then one high byte', [...Buffer.from('x'.repeat(500)), 0xc3, 0xab]],
];

describe('decodeMskRecord header values', () => {
  it.each(CASES)('%s: same string as decoding the bytes as UTF-8', (_label, bytes) => {
    expect(decodeOne(bytes)).toBe(utf8Of(bytes));
  });

  it('agrees with UTF-8 decoding on random byte strings, ASCII-heavy and not', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 2_000; n++) {
      const asciiOnly = n % 2 === 0;
      const bytes = Array.from({ length: Math.floor(random() * 40) }, () =>
        asciiOnly ? Math.floor(random() * 128) : Math.floor(random() * 512) - 256,
      );
      expect(decodeOne(bytes), JSON.stringify(bytes)).toBe(utf8Of(bytes));
    }
  });

  it('keeps every header, later occurrences of a name winning as before', () => {
    const record = recordWithHeaders([
      { schema_version: [...Buffer.from('1')] },
      { trace_id: [...Buffer.from('abc')], event_type: [...Buffer.from('user.created')] },
      { trace_id: [...Buffer.from('Zoë')] },
    ]);
    expect(decodeMskRecord(record).headers).toStrictEqual({
      schema_version: '1',
      trace_id: 'Zoë',
      event_type: 'user.created',
    });
  });

  it('still fails loudly on a header value that is not a byte array', () => {
    const record = recordWithHeaders([{ h: 'abc' as unknown as number[] }]);
    expect(() => decodeMskRecord(record)).toThrow(TypeError);
  });
});
