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

/** One metric under one dimension set: its slots and its totals since the store was created. */
export class MetricSeries {
  readonly slots = new Map<number, Slot>();
  /** Sum and count of every value received, never pruned: the handlers' own counts since start. */
  readonly total = { sum: 0, count: 0 };
  /** The slot the last value went to: consecutive values nearly always share it, so no map lookup. */
  private last: { start: number; slot: Slot } | undefined;

  constructor(private readonly slotMs: number) {}

  add(timestamp: number, value: number): void {
    const slot = this.slotOf(timestamp);
    this.total.sum += value;
    this.total.count += 1;
    slot.sum += value;
    slot.count += 1;
    if (value < slot.min) slot.min = value;
    if (value > slot.max) slot.max = value;
    const bucket = bucketOf(value);
    slot.histogram.set(bucket, (slot.histogram.get(bucket) ?? 0) + 1);
  }

  /** Forgets slots that started before `oldest`. */
  prune(oldest: number): void {
    for (const start of this.slots.keys()) if (start < oldest) this.slots.delete(start);
    if (this.last && this.last.start < oldest) this.last = undefined;
  }

  private slotOf(timestamp: number): Slot {
    const start = Math.floor(timestamp / this.slotMs) * this.slotMs;
    if (this.last?.start === start) return this.last.slot;
    let slot = this.slots.get(start);
    if (!slot) {
      slot = {
        sum: 0,
        count: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        histogram: new Map(),
      };
      this.slots.set(start, slot);
    }
    this.last = { start, slot };
    return slot;
  }
}

/**
 * The local console's CloudWatch: metric data in fixed slots of `slotMs`, kept for `retentionMs`, and
 * statistics per period computed from them. Memory is bounded by metrics × slots × percentile buckets.
 */
export class MetricStore {
  private readonly series = new Map<string, MetricSeries>();

  constructor(
    private readonly slotMs: number,
    private readonly retentionMs: number,
  ) {}

  /** The metric's series, created on first use: a caller that keeps it adds values without a lookup. */
  seriesOf(
    namespace: string,
    metricName: string,
    dimensions: Readonly<Record<string, string>>,
  ): MetricSeries {
    const key = metricKey(namespace, metricName, dimensions);
    let series = this.series.get(key);
    if (!series) {
      series = new MetricSeries(this.slotMs);
      this.series.set(key, series);
    }
    return series;
  }

  put(datum: MetricDatum): void {
    const series = this.seriesOf(datum.namespace, datum.metricName, datum.dimensions);
    for (const value of datum.values) series.add(datum.timestamp, value);
  }

  /** Sum and number of every value of the metric received since the store was created. */
  total(metric: Pick<MetricSpec, 'namespace' | 'metricName' | 'dimensions'>): { sum: number; count: number } {
    const series = this.series.get(metricKey(metric.namespace, metric.metricName, metric.dimensions));
    return series ? { ...series.total } : { sum: 0, count: 0 };
  }

  /** Forgets slots older than the retention. */
  prune(now: number): void {
    for (const series of this.series.values()) series.prune(now - this.retentionMs);
  }

  /**
   * The metric's statistic per period, oldest first, for the `periods` periods ending at `now`; null where
   * no data arrived (as CloudWatch leaves a gap).
   */
  query(spec: MetricSpec, periodMs: number, periods: number, now: number): (number | null)[] {
    const series = this.series.get(metricKey(spec.namespace, spec.metricName, spec.dimensions))?.slots;
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
