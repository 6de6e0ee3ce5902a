import { describe, expect, it } from 'vitest';
import { mean, round1, round2, sampleVariance, t95, t975 } from '../../../../bench/harness/statistics.js';

describe('bench statistics', () => {
  it('rounds to one and two decimals', () => {
    expect(round1(1.25)).toBe(1.3);
    expect(round1(-0.04)).toBe(-0);
    expect(round2(0.125)).toBe(0.13);
  });

  it('takes the mean and the sample variance (n − 1)', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(Number.isNaN(mean([]))).toBe(true);
    // deviations −2, −1, 0, 3: squares 14 over 3
    expect(sampleVariance([1, 2, 3, 6])).toBeCloseTo(14 / 3, 10);
    expect(Number.isNaN(sampleVariance([4]))).toBe(true);
  });

  it('gives one-sided Student t quantiles, the last entry beyond the tables (wider, never narrower)', () => {
    expect([t95(1), t95(10), t95(29), t95(100)]).toEqual([6.314, 1.812, 1.699, 1.699]);
    expect([t975(1), t975(4), t975(22), t975(30), t975(100)]).toEqual([12.706, 2.776, 2.074, 2.042, 2.042]);
    // Every 97.5 % quantile is above the 95 % one of the same degrees of freedom.
    for (let df = 1; df <= 29; df++) expect(t975(df)).toBeGreaterThan(t95(df));
  });
});
