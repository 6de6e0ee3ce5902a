/**
 * Processor throughput through the local MSK bridge into BOTH stores (real Kafka, PostgreSQL, Cassandra),
 * plus the CPU cost of decode + validate per record. Writes bench/results/<timestamp>-processor.{json,md}.
 *
 *   npm run bench -- [--events 20000] [--batch-sizes 100,500,1000] [--partitions 3]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { decodeMskRecord } from '../lambdas/processor/msk-records.js';
import { classifyRecord } from '../lambdas/processor/process-batch.js';
import { MskBridge } from '../local/runtime/msk-bridge.js';
import { toMskEvent } from '../local/runtime/msk-event.js';
import { preparePipeline } from '../local/runtime/prepare-pipeline.js';
import { applyConnectionEnvironment, readLocalServicesSettings, repoRoot } from '../local/services/config.js';
import { bringUp, createLocalServices } from '../local/services/service-runner.js';
import { messageOf, userEvent, userPayload } from '../test/support/user-events.js';

class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

function positiveIntegers(flag: string, raw: string): number[] {
  const values = raw.split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new BenchUsageError(`--${flag} must be positive whole numbers separated by commas, got "${raw}"`);
  }
  return values;
}

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    'batch-sizes': { type: 'string', default: '100,500,1000' },
    partitions: { type: 'string', default: '3' },
  },
});
const eventCount = positiveIntegers('events', args.events)[0] as number;
const batchSizes = positiveIntegers('batch-sizes', args['batch-sizes']);
const partitions = positiveIntegers('partitions', args.partitions)[0] as number;

const log = (message: string) => console.error(`[bench] ${message}`);
const settings = readLocalServicesSettings();
applyConnectionEnvironment(settings);
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

async function main() {
  await bringUp(createLocalServices(settings), log);
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: settings.kafka.brokers.split(','),
    logLevel: logLevel.ERROR,
  });
  const { handler } = await import('../lambdas/processor/handler.js');

  const runs: Array<Record<string, number>> = [];
  for (const batchSize of batchSizes) {
    const topic = `bench_${Date.now().toString(36)}`;
    await preparePipeline(kafka, settings, { topic, partitions });
    const events = Array.from({ length: eventCount }, (_, i) =>
      userEvent(userPayload(i), new Date().toISOString()),
    );
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const produceStart = performance.now();
    for (let i = 0; i < events.length; i += 1_000) {
      await producer.send({ topic, acks: -1, messages: events.slice(i, i + 1_000).map(messageOf) });
    }
    const produceMs = performance.now() - produceStart;
    await producer.disconnect();
    log(`batch size ${batchSize}: pre-produced ${eventCount} events to ${topic} (${partitions} partitions)`);

    const bridge = new MskBridge({
      kafka,
      topic,
      groupId: `${topic}_group`,
      batchSize,
      batchWindowMs: 100,
      handler,
    });
    const started = performance.now();
    await bridge.start();
    let lastReport = started;
    while (bridge.stats.records < eventCount) {
      await new Promise((r) => setTimeout(r, 100));
      if (performance.now() - lastReport > 5_000) {
        lastReport = performance.now();
        log(`  ${bridge.stats.records}/${eventCount} records processed`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    await bridge.stop();
    const run = {
      batchSize,
      partitions,
      events: eventCount,
      seconds: Math.round(seconds * 100) / 100,
      recordsPerSecond: Math.round(eventCount / seconds),
      invocations: bridge.stats.invocations,
      failedInvocations: bridge.stats.failedInvocations,
      produceEventsPerSecond: Math.round(eventCount / (produceMs / 1000)),
    };
    runs.push(run);
    log(`  ${run.recordsPerSecond} records/s into both stores (${run.invocations} invocations)`);
  }

  // CPU cost of decode + validate, in this process, on MSK records shaped as Lambda sends them.
  const sample = Array.from({ length: 20_000 }, (_, i) => ({
    ...messageOf(userEvent(userPayload(i), new Date().toISOString())),
    offset: String(i),
    timestamp: String(Date.now()),
    attributes: 0,
    size: 0,
  }));
  const mskEvent = toMskEvent('bench', 0, sample as never, { eventSourceArn: 'arn', bootstrapServers: '' });
  const records = Object.values(mskEvent.records).flat();
  for (const r of records.slice(0, 2_000)) classifyRecord(decodeMskRecord(r)); // warm-up
  const cpuStart = process.cpuUsage();
  for (const r of records) classifyRecord(decodeMskRecord(r));
  const cpu = process.cpuUsage(cpuStart);
  const microsPerRecord = Math.round(((cpu.user + cpu.system) / records.length) * 100) / 100;
  log(`decode + validate: ${microsPerRecord} µs CPU per record`);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const result = {
    benchmark: 'processor-throughput',
    at: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    versions: { kafka: settings.kafka.version, cassandra: settings.cassandra.version, postgres: '17' },
    runs,
    decodeValidateMicrosPerRecord: microsPerRecord,
  };
  writeFileSync(join(dir, `${stamp}-processor.json`), `${JSON.stringify(result, null, 2)}\n`);
  const md = [
    `# Processor throughput (${result.at})`,
    '',
    `Machine: ${result.machine.cpus} cores (${result.machine.cpuModel}), ${result.machine.memoryGiB} GiB, Node ${result.machine.node}. Kafka ${result.versions.kafka}, Cassandra ${result.versions.cassandra}, PostgreSQL 17 — all on this machine.`,
    '',
    '| batch size | partitions | events | seconds | records/s (both stores) | invocations |',
    '|---:|---:|---:|---:|---:|---:|',
    ...runs.map(
      (r) =>
        `| ${r.batchSize} | ${r.partitions} | ${r.events} | ${r.seconds} | ${r.recordsPerSecond} | ${r.invocations} |`,
    ),
    '',
    `Decode + validate: ${microsPerRecord} µs CPU per record.`,
    '',
  ].join('\n');
  writeFileSync(join(dir, `${stamp}-processor.md`), md);
  console.log(md);
  const { postgresPool } = await import('../lambdas/processor/clients.js');
  await postgresPool.end();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof BenchUsageError ? error.message : error);
    process.exit(error instanceof BenchUsageError ? 2 : 1);
  },
);
