/**
 * One processor "deployment" for the throughput benchmark: the local MSK bridge (standing in for the event
 * source mapping) invoking the processor Lambda handler in container processes, one per partition at most,
 * as Lambda runs one invocation per partition at a time in its own container. So a container's peak RSS is
 * what a Lambda container would need, without the bridge's consumer buffers. Configured by the
 * BENCH_PROCESSOR_WORKER environment variable (JSON); reports over the IPC channel.
 */
import { Kafka, logLevel } from 'kafkajs';
import { LambdaContainerPool } from '../../local/runtime/lambda-container-pool.js';
import { MskBridge } from '../../local/runtime/msk-bridge.js';
import { peakRssOfProcessMiB } from '../lib/process-sampler.js';

export interface ProcessorWorkerSettings {
  readonly brokers: string;
  readonly topic: string;
  readonly groupId: string;
  readonly batchSize: number;
  readonly batchWindowMs: number;
  /** Containers (processes) at most: the partition count. */
  readonly containers: number;
  /** Records to process before reporting done. */
  readonly expected: number;
}

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
    handler: async (event, context) => {
      if (firstInvocationAt === undefined) {
        firstInvocationAt = performance.now();
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
  while (bridge.stats.records < settings.expected) await new Promise((r) => setTimeout(r, 20));
  clearInterval(progress);
  await bridge.stop();
  const peakRssMiB = Math.max(0, ...containers.containerPids().map((pid) => peakRssOfProcessMiB(pid) ?? 0));
  await containers.close();
  send({
    type: 'done',
    records: bridge.stats.records,
    invocations: bridge.stats.invocations,
    failedInvocations: bridge.stats.failedInvocations,
    seconds: (lastInvocationEndAt - (firstInvocationAt ?? lastInvocationEndAt)) / 1000,
    peakRssMiB,
  });
}

main().then(
  () => process.disconnect?.(),
  (error: unknown) => {
    send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
  },
);
