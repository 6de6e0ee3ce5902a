// The record-CPU scenario (bench/scenarios/record-cpu.ts) on a few records: the result has the RecordCpu shape.
import { describe, expect, it } from 'vitest';
import { measureRecordCpu } from '../../../../bench/scenarios/record-cpu.js';

describe('measureRecordCpu', () => {
  it('reports CPU µs per record for every stage, rounded to 2 decimals', () => {
    const result = measureRecordCpu({ records: 300 });
    expect(result.records).toBe(300);
    expect(Object.keys(result.microsPerRecord).sort()).toEqual(
      ['decode', 'parse', 'total', 'transform', 'validate'].sort(),
    );
    for (const [stage, micros] of Object.entries(result.microsPerRecord)) {
      expect(Number.isFinite(micros), stage).toBe(true);
      expect(micros, stage).toBeGreaterThan(0);
      expect(Math.round(micros * 100) / 100, stage).toBe(micros);
    }
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s records', (records) => {
    expect(() => measureRecordCpu({ records })).toThrow(RangeError);
  });
});
