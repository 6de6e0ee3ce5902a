import type { MetricSpec } from '../../lib/constructs/observability/definition/types.js';
import type { MetricDatum } from './emf.js';

/** Relative width of a percentile bucket: values are kept to within 1 %, as CloudWatch's own estimate. */
const BUCKET_BASE = Math.log(1.01);

/** Statistics of one metric in one storage slot: enough for Sum/Average/Min/Max/SampleCount and pNN. */
interface Slot {
  sum: number;
  count: number;
  min: number;
  max: number;
  /** Log-scale bucket → values in it. */
  readonly histogram: Map<number, number>;
}

function bucketOf(value: number): number {
  return value <= 0 ? Number.NEGATIVE_INFINITY : Math.round(Math.log(value) / BUCKET_BASE);
}

function bucketValue(bucket: number): number {
  return bucket === Number.NEGATIVE_INFINITY ? 0 : Math.exp(bucket * BUCKET_BASE);
}

/** Nearest-rank percentile over merged histograms. */
function percentile(histogram: Map<number, number>, count: number, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * count));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket) ?? 0;
    if (seen >= rank) return bucketValue(bucket);
  }
  return bucketValue(Math.max(...histogram.keys()));
}

function metricKey(
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
): string {
  const dims = Object.keys(dimensions)
    .sort()
    .map((k) => `${k}=${dimensions[k]}`)
    .join(',');
  return `${namespace}|${metricName}|${dims}`;
}

/**
 * The local console's CloudWatch: metric data in fixed slots of `slotMs`, kept for `retentionMs`, and
 * statistics per period computed from them. Memory is bounded by metrics × slots × percentile buckets.
 */
export class MetricStore {
  private readonly slots = new Map<string, Map<number, Slot>>();
  /** Sum and count of every value received per metric, never pruned: the handlers' own counts since start. */
  private readonly totals = new Map<string, { sum: number; count: number }>();

  constructor(
    private readonly slotMs: number,
    private readonly retentionMs: number,
  ) {}

  put(datum: MetricDatum): void {
    const key = metricKey(datum.namespace, datum.metricName, datum.dimensions);
    let series = this.slots.get(key);
    if (!series) {
      series = new Map();
      this.slots.set(key, series);
    }
    let total = this.totals.get(key);
    if (!total) {
      total = { sum: 0, count: 0 };
      this.totals.set(key, total);
    }
    const start = Math.floor(datum.timestamp / this.slotMs) * this.slotMs;
    let slot = series.get(start);
    if (!slot) {
      slot = {
        sum: 0,
        count: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        histogram: new Map(),
      };
      series.set(start, slot);
    }
    for (const value of datum.values) {
      total.sum += value;
      total.count += 1;
      slot.sum += value;
      slot.count += 1;
      slot.min = Math.min(slot.min, value);
      slot.max = Math.max(slot.max, value);
      const bucket = bucketOf(value);
      slot.histogram.set(bucket, (slot.histogram.get(bucket) ?? 0) + 1);
    }
  }

  /** Sum and number of every value of the metric received since the store was created. */
  total(metric: Pick<MetricSpec, 'namespace' | 'metricName' | 'dimensions'>): { sum: number; count: number } {
    const total = this.totals.get(metricKey(metric.namespace, metric.metricName, metric.dimensions));
    return total ? { ...total } : { sum: 0, count: 0 };
  }

  /** Forgets slots older than the retention. */
  prune(now: number): void {
    const oldest = now - this.retentionMs;
    for (const series of this.slots.values()) {
      for (const start of series.keys()) if (start < oldest) series.delete(start);
    }
  }

  /**
   * The metric's statistic per period, oldest first, for the `periods` periods ending at `now`; null where
   * no data arrived (as CloudWatch leaves a gap).
   */
  query(spec: MetricSpec, periodMs: number, periods: number, now: number): (number | null)[] {
    const series = this.slots.get(metricKey(spec.namespace, spec.metricName, spec.dimensions));
    const lastStart = Math.floor(now / periodMs) * periodMs;
    const result: (number | null)[] = [];
    for (let i = periods - 1; i >= 0; i--) {
      const start = lastStart - i * periodMs;
      result.push(series ? this.statistic(series, start, start + periodMs, spec.statistic) : null);
    }
    return result;
  }

  private statistic(series: Map<number, Slot>, from: number, to: number, statistic: string): number | null {
    let sum = 0;
    let count = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const histogram = new Map<number, number>();
    const wantsPercentile = statistic.startsWith('p');
    for (let start = from; start < to; start += this.slotMs) {
      const slot = series.get(start);
      if (!slot) continue;
      sum += slot.sum;
      count += slot.count;
      min = Math.min(min, slot.min);
      max = Math.max(max, slot.max);
      if (wantsPercentile)
        for (const [bucket, n] of slot.histogram) histogram.set(bucket, (histogram.get(bucket) ?? 0) + n);
    }
    if (count === 0) return null;
    if (wantsPercentile) return percentile(histogram, count, Number(statistic.slice(1)));
    switch (statistic) {
      case 'Sum':
        return sum;
      case 'Average':
        return sum / count;
      case 'Maximum':
        return max;
      case 'Minimum':
        return min;
      default:
        return count;
    }
  }
}
