import type { ConsoleRun } from './results.js';

/**
 * One-sided 95 % quantiles of Student's t for 1 to 29 degrees of freedom (the most `--console-rounds` allows):
 * with a handful of rounds the spread between them is itself uncertain, so the bound is wider than mean +
 * 1.645 standard errors.
 */
const T_95_ONE_SIDED = [
  6.314, 2.92, 2.353, 2.132, 2.015, 1.943, 1.895, 1.86, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753,
  1.746, 1.74, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699,
] as const;

const t95 = (degreesOfFreedom: number) =>
  T_95_ONE_SIDED[Math.min(degreesOfFreedom, T_95_ONE_SIDED.length) - 1] as number;

const round1 = (value: number) => Math.round(value * 10) / 10;
const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Each counted round's two runs, console on and off, in round order; a round missing either is left out. */
export function roundPairs(runs: readonly ConsoleRun[]): { on: ConsoleRun; off: ConsoleRun }[] {
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  return rounds.flatMap((round) => {
    const of = (setting: ConsoleRun['console']) =>
      runs.find((r) => r.round === round && r.console === setting);
    const [on, off] = [of('on'), of('off')];
    return on && off ? [{ on, off }] : [];
  });
}

/**
 * The most the console adds, at 95 % confidence given the spread between rounds: the mean of the rounds'
 * differences plus t × their standard error. Undefined below two rounds (no spread to judge by).
 */
export function differenceUpperBound(differences: readonly number[]): number | undefined {
  const n = differences.length;
  if (n < 2) return undefined;
  const average = mean(differences);
  const variance = differences.reduce((sum, d) => sum + (d - average) ** 2, 0) / (n - 1);
  return round1(average + t95(n - 1) * Math.sqrt(variance / n));
}

/** The pipeline's side of the console's cost with the machine's speed taken out (see below). */
export interface SpeedAdjustedDifference {
  /** The pipeline process's on − off at equal store CPU, percent of one core (one decimal). */
  readonly percent: number;
  /** {@link percent} plus one-sided 95 % Student t (rounds − 2 degrees of freedom) × its standard error. */
  readonly upperBoundPercent: number;
  /** Pipeline CPU that came with one point of store CPU between the two runs of a round (two decimals). */
  readonly storesSlope: number;
  /** How strongly the rounds' pipeline and store differences went together, −1 to 1 (two decimals). */
  readonly correlation: number;
  readonly rounds: number;
}

/**
 * The pipeline process's on − off with the machine's speed taken out. The stores (Kafka, Cassandra,
 * PostgreSQL) do the same work in both runs of a round, the same users written, so their CPU rises and falls
 * with how fast the shared machine ran; on this machine the pipeline's CPU follows it closely (correlation
 * about 0.95 between rounds). The intercept of the rounds' pipeline difference regressed on their stores'
 * difference is then the pipeline's difference at equal machine speed, and its spread is far smaller than
 * the raw difference's. The console's own reads of the stores (a snapshot every 5 s) sit in the stores'
 * difference, so the intercept leaves out that side of its cost (and slope × it): this is the pipeline's
 * side only. Undefined below three rounds, without the per-process breakdown, or with no spread in the
 * stores' difference.
 */
export function speedAdjustedPipelineDifference(
  runs: readonly ConsoleRun[],
): SpeedAdjustedDifference | undefined {
  const storesOf = (run: ConsoleRun) =>
    Object.entries(run.processCpuPercent ?? {}).reduce(
      (sum, [name, percent]) => (name === 'pipeline' ? sum : sum + percent),
      0,
    );
  const pairs = roundPairs(runs).filter(
    ({ on, off }) =>
      on.processCpuPercent?.pipeline !== undefined && off.processCpuPercent?.pipeline !== undefined,
  );
  const n = pairs.length;
  if (n < 3) return undefined;
  const y = pairs.map(
    ({ on, off }) => (on.processCpuPercent?.pipeline ?? 0) - (off.processCpuPercent?.pipeline ?? 0),
  );
  const x = pairs.map(({ on, off }) => storesOf(on) - storesOf(off));
  const [meanX, meanY] = [mean(x), mean(y)];
  const sxx = x.reduce((sum, v) => sum + (v - meanX) ** 2, 0);
  const syy = y.reduce((sum, v) => sum + (v - meanY) ** 2, 0);
  if (sxx === 0) return undefined;
  const sxy = x.reduce((sum, v, i) => sum + (v - meanX) * ((y[i] as number) - meanY), 0);
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const residualSquares = y.reduce((sum, v, i) => sum + (v - intercept - slope * (x[i] as number)) ** 2, 0);
  const standardError = Math.sqrt((residualSquares / (n - 2)) * (1 / n + meanX ** 2 / sxx));
  return {
    percent: round1(intercept) + 0,
    upperBoundPercent: round1(intercept + t95(n - 2) * standardError) + 0,
    storesSlope: Math.round(slope * 100) / 100,
    correlation: syy === 0 ? 0 : Math.round((sxy / Math.sqrt(sxx * syy)) * 100) / 100,
    rounds: n,
  };
}
