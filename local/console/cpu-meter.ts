/**
 * Time the console spends in its own synchronous work (reading EMF lines, storing data points, computing
 * graphs and alarms): on a shared machine a direct account is steadier than comparing whole-process CPU.
 * Synchronous code runs on the CPU from start to end, so its wall time is its CPU time.
 */
export class CpuMeter {
  private busy = 0;

  add(ms: number): void {
    this.busy += ms;
  }

  /** Runs `work`, counting its time. */
  time<T>(work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } finally {
      this.busy += performance.now() - started;
    }
  }

  get busyMs(): number {
    return this.busy;
  }
}
