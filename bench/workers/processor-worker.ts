/**
 * One processor "deployment" for the throughput benchmark: the local MSK bridge (standing in for the event
 * source mapping) invoking the processor Lambda handler in container processes, one per partition at most,
 * as Lambda runs one invocation per partition at a time in its own container. So a container's peak RSS is
 * what a Lambda container would need, without the bridge's consumer buffers. Configured by the
 * BENCH_PROCESSOR_WORKER environment variable (JSON); reports over the IPC channel.
 */
import { Kafka, logLevel } from 'kafkajs';
import { LambdaContainerPool } from '../../local/runtime/lambda-container-pool.js';
import { type FailureHandling, MskBridge } from '../../local/runtime/msk-bridge.js';
import { peakRssOfProcessMiB, rssOfProcessMiB } from '../harness/process-sampler.js';

export interface ProcessorWorkerSettings {
  readonly brokers: string;
  readonly topic: string;
  readonly groupId: string;
  readonly batchSize: number;
  readonly batchWindowMs: number;
  /** Containers (processes) at most: the partition count. */
  readonly containers: number;
  /** Records to process (or send to the failure topic) before reporting done. */
  readonly expected: number;
  /** The stage's retry budget, bisection, record age and failure topic. @default - retry forever */
  readonly failure?: FailureHandling;
  /** Sample each container's RSS this often (ms) from the first invocation on. @default - not sampled */
  readonly rssSampleMs?: number;
}

/** One processor container's memory over the run. */
export interface ContainerMemory {
  readonly pid: number;
  /** VmHWM at the end, MiB. */
  readonly peakRssMiB: number;
  /** Invocations it took over the run. */
  readonly invocations: number;
  /** [seconds since the first invocation, VmRSS MiB, invocations it had taken by then]. */
  readonly samples: readonly ContainerSample[];
}

/** One sample of a container: [seconds since the first invocation, VmRSS MiB, its invocations so far]. */
export type ContainerSample = readonly [seconds: number, rssMiB: number, invocations: number];

export type ProcessorWorkerMessage =
  | { readonly type: 'first-invocation' }
  | { readonly type: 'progress'; readonly records: number; readonly invocations: number }
  | {
      readonly type: 'done';
      readonly records: number;
      readonly invocations: number;
      readonly failedInvocations: number;
      /** From the first invocation's start to the last one's end. */
      readonly seconds: number;
      /** Highest peak RSS (VmHWM) among the processor containers. */
      readonly peakRssMiB: number;
      /** Records written to the failure topic. */
      readonly failedRecords: number;
      /** Each container's memory (with `rssSampleMs`). */
      readonly containers: readonly ContainerMemory[];
      /** The bridge process's RSS samples (with `rssSampleMs`). */
      readonly bridgeSamples: readonly (readonly [number, number])[];
    }
  | { readonly type: 'failed'; readonly error: string };

const send = (message: ProcessorWorkerMessage) => process.send?.(message);

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.BENCH_PROCESSOR_WORKER ?? '') as ProcessorWorkerSettings;
  const containers = new LambdaContainerPool({
    handlerModule: new URL('../../lambdas/processor/handler.ts', import.meta.url),
    functionName: 'processor',
    maxContainers: settings.containers,
    isolation: 'process',
    // `npm run bench -- --profile` profiles the containers as well as this process (the bridge).
    execArgv: process.execArgv.filter((flag) => flag.startsWith('--cpu-prof')),
  });
  let firstInvocationAt: number | undefined;
  let lastInvocationEndAt = 0;
  const sampler = new MemorySampler(containers, settings.rssSampleMs);
  const bridge = new MskBridge({
    kafka: new Kafka({
      clientId: 'bench-processor',
      brokers: settings.brokers.split(','),
      logLevel: logLevel.ERROR,
    }),
    topic: settings.topic,
    groupId: settings.groupId,
    batchSize: settings.batchSize,
    batchWindowMs: settings.batchWindowMs,
    ...(settings.failure ? { failure: settings.failure } : {}),
    handler: async (event, context) => {
      if (firstInvocationAt === undefined) {
        firstInvocationAt = performance.now();
        sampler.start(firstInvocationAt);
        send({ type: 'first-invocation' });
      }
      const outcome = await containers.invoke(event, context);
      lastInvocationEndAt = performance.now();
      return outcome;
    },
    log: (message, detail) => console.error(`[processor-worker] ${message} ${JSON.stringify(detail ?? {})}`),
  });
  await bridge.start();
  const progress = setInterval(
    () => send({ type: 'progress', records: bridge.stats.records, invocations: bridge.stats.invocations }),
    500,
  );
  const handled = () => bridge.stats.records + bridge.stats.failedRecords;
  while (handled() < settings.expected) await new Promise((r) => setTimeout(r, 20));
  clearInterval(progress);
  sampler.stop();
  await bridge.stop();
  const peakRssMiB = Math.max(0, ...containers.containerPids().map((pid) => peakRssOfProcessMiB(pid) ?? 0));
  const memory = sampler.result();
  await containers.close();
  send({
    type: 'done',
    records: bridge.stats.records,
    invocations: bridge.stats.invocations,
    failedInvocations: bridge.stats.failedInvocations,
    seconds: (lastInvocationEndAt - (firstInvocationAt ?? lastInvocationEndAt)) / 1000,
    peakRssMiB,
    failedRecords: bridge.stats.failedRecords,
    ...memory,
  });
}

/** Samples every container's and the bridge's RSS at a fixed interval, from the first invocation on. */
class MemorySampler {
  private readonly samples = new Map<number, ContainerSample[]>();
  private readonly invocations = new Map<number, number>();
  private readonly bridge: [number, number][] = [];
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;

  constructor(
    private readonly pool: LambdaContainerPool,
    private readonly intervalMs: number | undefined,
  ) {}

  start(at: number): void {
    if (!this.intervalMs || this.timer) return;
    this.startedAt = at;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.sample();
    }
  }

  private sample(): void {
    const seconds = Math.round((performance.now() - this.startedAt) / 100) / 10;
    for (const { pid, invocations } of this.pool.containerStats()) {
      this.invocations.set(pid, invocations);
      const rss = rssOfProcessMiB(pid);
      if (rss === undefined) continue;
      const series = this.samples.get(pid) ?? [];
      series.push([seconds, rss, invocations]);
      this.samples.set(pid, series);
    }
    const own = rssOfProcessMiB(process.pid);
    if (own !== undefined) this.bridge.push([seconds, own]);
  }

  result(): { containers: ContainerMemory[]; bridgeSamples: [number, number][] } {
    return {
      containers: [...this.samples].map(([pid, samples]) => ({
        pid,
        peakRssMiB: peakRssOfProcessMiB(pid) ?? Math.max(0, ...samples.map(([, rss]) => rss)),
        invocations: this.invocations.get(pid) ?? 0,
        samples,
      })),
      bridgeSamples: this.bridge,
    };
  }
}

main().then(
  () => process.disconnect?.(),
  (error: unknown) => {
    send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
  },
);
