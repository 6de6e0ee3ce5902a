#!/usr/bin/env node
// Throughput a stage can carry and the limit that binds first:
//   npm run capacity -- --stage dev|prod --events-per-second N [options]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadStageConfig } from '../../bin/config/index.js';
import { CliUsageError, exitWithUsage, parseCli } from '../../tools/cli/args.js';
import { repoRoot } from '../../tools/repo-root.js';
import { DEFAULT_EVENT_KB } from '../cost/model.js';
import {
  type BenchResult,
  type CapacityReport,
  cpuMicrosPerRecordFromBench,
  type PostgresWriteFigure,
  postgresWriteFigureFromBench,
  stageCapacity,
} from './model.js';

const USAGE = `usage: npm run capacity -- --stage dev|prod --events-per-second N [options]

  --stage S                   dev or prod (the AWS stages of bin/config)
  --events-per-second N       target rate to check (> 0)
  --api-share X               share of events arriving through the REST API, 0..1 (default 1)
  --users-per-request N       users per API request (default 1)
  --event-kb X                serialized event size in Kafka, KB (default ${DEFAULT_EVENT_KB})
  --busiest-country-share X   share of a day's signups from the busiest country, (0, 1] (default 1: one market)
  --bench FILE                bench result with the processor's CPU per record and the PostgreSQL ceiling
                              (default: the newest bench/results/*.json that has each)
  -h, --help                  this text

Prints every limit's ceiling in events/s, lowest first (the order the walls bind), with its source, then
notes for the rate asked. Exits 0 when the stage carries the rate; else prints a WARNING per limit below it,
naming the setting to change, and exits 1.`;

interface Options {
  readonly stage: 'dev' | 'prod';
  readonly eventsPerSecond: number;
  readonly apiShare: number;
  readonly usersPerRequest: number;
  readonly eventKb: number;
  readonly busiestCountryShare: number;
  /** The bench results the figures come from (one file when --bench names it). */
  readonly bench: { readonly cpu: string; readonly postgres: string };
}

function numberFlag(
  value: string | undefined,
  flag: string,
  fallback: number,
  ok: (n: number) => boolean,
  rule: string,
) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !ok(n))
    throw new CliUsageError(`--${flag} must be ${rule} (got ${JSON.stringify(value)})`);
  return n;
}

/** The checked options; `--help` and malformed flags are parseCli's (usage, exit 0 / 2). */
function parseOptions(argv: readonly string[]): Options {
  const { values } = parseCli(
    {
      usage: USAGE,
      options: {
        stage: { type: 'string' },
        'events-per-second': { type: 'string' },
        'api-share': { type: 'string' },
        'users-per-request': { type: 'string' },
        'event-kb': { type: 'string' },
        'busiest-country-share': { type: 'string' },
        bench: { type: 'string' },
      },
    },
    argv,
  );
  const stage = values.stage;
  if (stage !== 'dev' && stage !== 'prod')
    throw new CliUsageError(`--stage must be dev or prod (got ${JSON.stringify(stage ?? '')})`);
  const str = (key: keyof typeof values) => values[key];
  if (str('events-per-second') === undefined) throw new CliUsageError('--events-per-second is required');
  return {
    stage,
    eventsPerSecond: numberFlag(
      str('events-per-second'),
      'events-per-second',
      0,
      (n) => n > 0,
      'a number > 0',
    ),
    apiShare: numberFlag(str('api-share'), 'api-share', 1, (n) => n >= 0 && n <= 1, 'between 0 and 1'),
    usersPerRequest: numberFlag(
      str('users-per-request'),
      'users-per-request',
      1,
      (n) => Number.isInteger(n) && n >= 1,
      'an integer >= 1',
    ),
    eventKb: numberFlag(str('event-kb'), 'event-kb', DEFAULT_EVENT_KB, (n) => n > 0, 'a number > 0'),
    busiestCountryShare: numberFlag(
      str('busiest-country-share'),
      'busiest-country-share',
      1,
      (n) => n > 0 && n <= 1,
      'in (0, 1]',
    ),
    bench: benchFiles(str('bench')),
  };
}

const hasProcessorRun = (result: BenchResult) =>
  (result.processor ?? []).some((run) => run.processes.some((p) => p.name === 'processor'));
const hasPostgresFigure = (result: BenchResult) => postgresWriteFigureFromBench(result) !== undefined;

/** The bench results to read: the one given, or the newest with a processor run and the newest with a ceiling. */
function benchFiles(given: string | undefined): Options['bench'] {
  if (given !== undefined) return { cpu: given, postgres: given };
  return {
    cpu: newestBenchResult(hasProcessorRun, 'a processor run'),
    postgres: newestBenchResult(hasPostgresFigure, 'a store ceiling run'),
  };
}

/** Newest bench result that has what `fits` looks for (runs with `--only cpu` etc. have neither). */
function newestBenchResult(fits: (result: BenchResult) => boolean, what: string): string {
  const dir = path.join(repoRoot, 'bench', 'results');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .reverse();
  for (const file of files) if (fits(readBench(path.join(dir, file)))) return path.join(dir, file);
  throw new CliUsageError(
    `--bench: no bench result with ${what} in ${dir}; run npm run bench or pass --bench FILE`,
  );
}

function readBench(file: string): BenchResult {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  } catch (error) {
    throw new CliUsageError(`--bench: cannot read ${file}: ${(error as Error).message}`);
  }
}

const rate = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'unbounded');

function print(
  report: CapacityReport,
  options: Options,
  cpu: number,
  postgres: PostgresWriteFigure,
): boolean {
  const relative = (file: string) => path.relative(repoRoot, file);
  console.log(
    `Stage ${report.stage}: processor CPU ${cpu.toFixed(0)} µs/record from ${relative(options.bench.cpu)} ` +
      `(measured on the bench machine, x86; Lambda runs arm64); PostgreSQL ${Math.round(postgres.upsertsPerCpuSecond).toLocaleString('en-US')} ` +
      `upserts per CPU-second from ${relative(options.bench.postgres)}.`,
  );
  const width = Math.max(...report.ceilings.map((c) => c.name.length));
  console.log(`${'limit'.padEnd(width)}  ${'events/s'.padStart(10)}  setting to change`);
  const indent = `${''.padEnd(width)}  ${''.padStart(10)}  `;
  for (const c of report.ceilings) {
    console.log(`${c.name.padEnd(width)}  ${rate(c.eventsPerSecond).padStart(10)}  ${c.setting}`);
    console.log(`${indent}${c.detail}`);
    for (const source of c.sources) console.log(`${indent}source: ${source}`);
  }
  console.log(
    `Stage ${report.stage} carries about ${rate(report.binding.eventsPerSecond)} events/s; ` +
      `the first limit to bind: ${report.binding.name}.`,
  );
  for (const note of report.notes) console.log(`NOTE: ${note}.`);
  const short = report.ceilings.filter((c) => c.eventsPerSecond < options.eventsPerSecond);
  if (short.length === 0) {
    console.log(
      `OK: ${options.eventsPerSecond} events/s fits (headroom ×${(report.binding.eventsPerSecond / options.eventsPerSecond).toFixed(1)}).`,
    );
    return true;
  }
  for (const c of short)
    console.log(
      `WARNING: stage ${report.stage} cannot carry ${options.eventsPerSecond} events/s: ${c.name} caps it at ` +
        `${rate(c.eventsPerSecond)}/s. Change ${c.setting}.`,
    );
  return false;
}

function main(argv: readonly string[]): void {
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    exitWithUsage(USAGE, error.message);
  }
  let cpu: number;
  let postgres: PostgresWriteFigure | undefined;
  try {
    cpu = cpuMicrosPerRecordFromBench(readBench(options.bench.cpu));
    postgres = postgresWriteFigureFromBench(readBench(options.bench.postgres));
  } catch (error) {
    exitWithUsage(
      USAGE,
      error instanceof CliUsageError ? error.message : `--bench: ${(error as Error).message}`,
    );
  }
  if (!postgres)
    exitWithUsage(USAGE, `--bench: ${options.bench.postgres} has no store ceiling run (PostgreSQL)`);
  const config = loadStageConfig(options.stage, {});
  const report = stageCapacity(
    config,
    {
      cpuMicrosPerRecord: cpu,
      postgres,
      eventKb: options.eventKb,
      apiShare: options.apiShare,
      usersPerRequest: options.usersPerRequest,
      busiestCountryShare: options.busiestCountryShare,
    },
    options.eventsPerSecond,
  );
  process.exitCode = print(report, options, cpu, postgres) ? 0 : 1;
}

main(process.argv.slice(2));
