import { parseEmf } from './emf.js';
import type { MetricSeries, MetricStore } from './metric-store.js';

/** Records one value of one metric now: what the local Lambda/API runtime calls per invocation or request. */
export type MetricRecorder = (value: number) => void;

/**
 * Metric data waiting to be folded into the store, as CloudWatch ingests a log stream's EMF some seconds
 * after it was written. The pipeline's hot paths (a handler's stdout write, an invocation, an API request)
 * only queue: a line, or a value for a series resolved once. `drain()` parses and stores them together,
 * every second and before each read, so the console's work comes in one burst instead of a few microseconds
 * on every request, each paid again in the CPU caches the pipeline's own work keeps cold.
 */
export class MetricInbox {
  private lines: string[] = [];
  private readonly series: MetricSeries[] = [];
  private readonly timestamps: number[] = [];
  private readonly values: number[] = [];

  constructor(private readonly store: MetricStore) {}

  /** An EMF document a handler wrote, parsed at the next drain. */
  emfLine(line: string): void {
    this.lines.push(line);
  }

  /** A recorder for one metric: the series is resolved here, once, not per value. */
  recorder(
    namespace: string,
    metricName: string,
    dimensions: Readonly<Record<string, string>>,
  ): MetricRecorder {
    const series = this.store.seriesOf(namespace, metricName, dimensions);
    return (value) => {
      this.series.push(series);
      this.timestamps.push(Date.now());
      this.values.push(value);
    };
  }

  /** Whether nothing is waiting. */
  get empty(): boolean {
    return this.lines.length === 0 && this.values.length === 0;
  }

  /** Folds everything waiting into the store, in arrival order per source. */
  drain(): void {
    const lines = this.lines;
    this.lines = [];
    for (const line of lines) for (const datum of parseEmf(line)) this.store.put(datum);
    for (let i = 0; i < this.values.length; i++)
      this.series[i]?.add(this.timestamps[i] as number, this.values[i] as number);
    this.series.length = 0;
    this.timestamps.length = 0;
    this.values.length = 0;
  }
}
