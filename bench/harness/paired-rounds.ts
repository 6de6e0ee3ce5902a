import type { ConsoleRun, StoreReadsCost } from './results.js';
import { mean, round1, round2, sampleVariance, t95, t975 } from './statistics.js';

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
  return round1(mean(differences) + t95(n - 1) * Math.sqrt(sampleVariance(differences) / n));
}

/** The console's whole cost with the machine's speed taken out (see {@link speedAdjustedDifference}). */
export interface SpeedAdjustedDifference {
  /** The project's on − off where the stores' difference is just the console's reads, percent of one core. */
  readonly percent: number;
  /**
   * At least 95 % confident upper bound: the line's one-sided 97.5 % bound (Student t, rounds − 2 degrees of
   * freedom), the highest it reaches with the reads' stores side anywhere from 0 to its own 97.5 % bound.
   * Undefined when the reads' side has no bound (one pair of windows).
   */
  readonly upperBoundPercent: number | undefined;
  /** Project CPU that came with one point of store CPU between the two runs of a round (two decimals). */
  readonly storesSlope: number;
  /** How strongly the rounds' project and store differences went together, −1 to 1 (two decimals). */
  readonly correlation: number;
  /** The stores' mean on − off over the rounds: the console's reads plus the machine's drift (one decimal). */
  readonly meanStoresDifferencePercent: number;
  /** Half the two-sided 95 % interval of {@link meanStoresDifferencePercent} (Student t, rounds − 1). */
  readonly storesDifferenceMarginPercent: number;
  /**
   * Whether the rounds bear out the one assumption: their stores' mean difference lies within its 95 %
   * interval of the reads' side measured apart. When it does not, the console changed the stores' work by
   * more than its reads (or the machine drifted one way), and the figure is not to be judged.
   */
  readonly storesAgreeWithReads: boolean;
  readonly rounds: number;
}

/** The stores' CPU in a run: every process of the project but the pipeline's. */
const storesCpuOf = (run: ConsoleRun) =>
  Object.entries(run.processCpuPercent ?? {}).reduce(
    (sum, [name, percent]) => (name === 'pipeline' ? sum : sum + percent),
    0,
  );

/** The project's CPU in a run, from the same per-process figures as {@link storesCpuOf}. */
const projectCpuOf = (run: ConsoleRun) =>
  Object.values(run.processCpuPercent ?? {}).reduce((sum, percent) => sum + percent, 0);

/**
 * The console's whole cost (on − off of every process of the project) with the shared machine's speed taken
 * out, a control variate. Apart from the console's own reads, the stores (Kafka, Cassandra, PostgreSQL) do
 * the same work in both runs of a round, the same users written; what else moves their CPU between the two
 * runs is how fast the machine ran, and the pipeline's CPU moves with it (correlation about 0.95 between
 * rounds on this machine). So the rounds' project difference is regressed on their stores' difference, and
 * the line is read where the stores' difference is exactly the console's reads, measured apart at a
 * fiftyfold rate ({@link StoreReadsCost}): the project's difference at equal machine speed, the stores'
 * side of the reads included. It rests on one assumption, that the console changes the stores' work only by
 * reading them; {@link SpeedAdjustedDifference.storesAgreeWithReads} says whether the rounds contradict it.
 * Undefined below three rounds, without the per-process breakdown, or with no spread in the stores'
 * difference.
 */
export function speedAdjustedDifference(
  runs: readonly ConsoleRun[],
  storeReads: Pick<StoreReadsCost, 'percent' | 'upperBoundPercent'>,
): SpeedAdjustedDifference | undefined {
  const pairs = roundPairs(runs).filter(({ on, off }) => on.processCpuPercent && off.processCpuPercent);
  const n = pairs.length;
  if (n < 3) return undefined;
  const x = pairs.map(({ on, off }) => storesCpuOf(on) - storesCpuOf(off));
  const y = pairs.map(({ on, off }) => projectCpuOf(on) - projectCpuOf(off));
  const [meanX, meanY] = [mean(x), mean(y)];
  const sxx = x.reduce((sum, v) => sum + (v - meanX) ** 2, 0);
  const syy = y.reduce((sum, v) => sum + (v - meanY) ** 2, 0);
  if (sxx === 0) return undefined;
  const sxy = x.reduce((sum, v, i) => sum + (v - meanX) * ((y[i] as number) - meanY), 0);
  const slope = sxy / sxx;
  const lineAt = (stores: number) => meanY + slope * (stores - meanX);
  const residualSquares = y.reduce((sum, v, i) => sum + (v - lineAt(x[i] as number)) ** 2, 0);
  const standardErrorAt = (stores: number) =>
    Math.sqrt((residualSquares / (n - 2)) * (1 / n + (stores - meanX) ** 2 / sxx));
  // The reads cost between nothing and their bound; the line's bound is convex in them, so its highest over
  // that span is at one end.
  const boundAt = (stores: number) => lineAt(stores) + t975(n - 2) * standardErrorAt(stores);
  const readsBound = storeReads.upperBoundPercent;
  const margin = t975(n - 1) * Math.sqrt(sampleVariance(x) / n);
  return {
    percent: round1(lineAt(storeReads.percent)) + 0,
    upperBoundPercent:
      readsBound === undefined ? undefined : round1(Math.max(boundAt(0), boundAt(readsBound))) + 0,
    storesSlope: round2(slope),
    correlation: syy === 0 ? 0 : round2(sxy / Math.sqrt(sxx * syy)),
    meanStoresDifferencePercent: round1(meanX) + 0,
    storesDifferenceMarginPercent: round1(margin),
    storesAgreeWithReads: Math.abs(meanX - storeReads.percent) <= margin,
    rounds: n,
  };
}
