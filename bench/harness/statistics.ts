/** Small statistics shared by the bench's scenarios, goals and report. */

/** One decimal, as the bench reports percents and milliseconds. */
export const round1 = (value: number): number => Math.round(value * 10) / 10;

/** Two decimals, for figures well under one point (a fraction of a percent of one core). */
export const round2 = (value: number): number => Math.round(value * 100) / 100;

/** The arithmetic mean; NaN for none. */
export const mean = (values: readonly number[]): number =>
  values.reduce((sum, v) => sum + v, 0) / values.length;

/**
 * One-sided 95 % quantiles of Student's t for 1 to 29 degrees of freedom (the most `--console-rounds` allows):
 * with a handful of rounds the spread between them is itself uncertain, so the bound is wider than mean +
 * 1.645 standard errors.
 */
const T_95_ONE_SIDED = [
  6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753,
  1.746, 1.74, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699,
] as const;

/**
 * One-sided 97.5 % quantiles of Student's t for 1 to 30 degrees of freedom: two bounds at 97.5 % each hold
 * together at 95 % at least (Bonferroni), as when a figure adds two separately measured parts.
 */
const T_975_ONE_SIDED = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
] as const;

/** Beyond the table the last entry is used: a slightly wider bound than exact, never a narrower one. */
const quantileOf = (table: readonly number[], degreesOfFreedom: number): number =>
  table[Math.min(degreesOfFreedom, table.length) - 1] as number;

/** Student's t, one-sided 95 %, for `degreesOfFreedom` ≥ 1. */
export const t95 = (degreesOfFreedom: number): number => quantileOf(T_95_ONE_SIDED, degreesOfFreedom);

/** Student's t, one-sided 97.5 %, for `degreesOfFreedom` ≥ 1. */
export const t975 = (degreesOfFreedom: number): number => quantileOf(T_975_ONE_SIDED, degreesOfFreedom);

/** Sample variance (n − 1 in the denominator); NaN below two values. */
export function sampleVariance(values: readonly number[]): number {
  const average = mean(values);
  return values.reduce((sum, v) => sum + (v - average) ** 2, 0) / (values.length - 1);
}
