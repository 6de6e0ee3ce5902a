/**
 * `npm test`: makes sure the real local services are up (starting only those that are not), runs every
 * test suite against them, then stops exactly the services it started. Extra arguments go to vitest.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { wantsHelp } from '../tools/cli/args.js';
import { repoRoot } from '../tools/repo-root.js';
import { type PipelineProcess, startPipelineProcess } from './runtime/pipeline-process.js';
import { applyConnectionEnvironment, readLocalServicesSettings } from './services/config.js';
import type { LocalService } from './services/local-service.js';
import { bringDown, bringUp, createLocalServices, describeFailure } from './services/service-runner.js';

interface SuiteResult {
  readonly name: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly exitCode: number;
}

const log = (message: string) => console.error(`[test] ${message}`);

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env, cwd: repoRoot });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs a command with its output shown live and also kept, for reading its summary line afterwards. */
function runCapturing(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: repoRoot });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.once('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

/**
 * The DAG suite (ruff + pytest on real Airflow) with the local pipeline running as `npm start` runs it, so the
 * randomuser_ingest DAG can invoke the pull Lambda through the local Invoke endpoint end to end.
 */
async function runDagSuite(env: NodeJS.ProcessEnv): Promise<SuiteResult> {
  let pipeline: PipelineProcess;
  try {
    pipeline = await startPipelineProcess(
      ['--no-demo', '--no-console', '--port', '0', '--invoke-port', '0'],
      env,
    );
  } catch (error) {
    log(
      `the local pipeline did not start for the DAG suite: ${error instanceof Error ? error.message : error}`,
    );
    return { name: 'pytest (DAGs)', passed: 0, failed: 1, skipped: 0, exitCode: 1 };
  }
  try {
    log(`local pipeline up for the DAG suite; Lambda Invoke endpoint ${pipeline.invokeUrl}`);
    const { code, output } = await runCapturing('bash', ['local/airflow/test.sh'], {
      ...env,
      LAMBDA_ENDPOINT_URL: pipeline.invokeUrl,
    });
    const summary = [...output.matchAll(/^=+ (.+) in [\d.]+s.* =+$/gm)].at(-1)?.[1] ?? '';
    const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(summary)?.[1] ?? 0);
    return {
      name: 'pytest (DAGs)',
      passed: count('passed'),
      failed: count('failed') + count('errors?'),
      skipped: count('skipped'),
      exitCode: code,
    };
  } finally {
    await pipeline.stop();
  }
}

async function runVitest(env: NodeJS.ProcessEnv, extraArgs: string[], name = 'vitest'): Promise<SuiteResult> {
  const reportDir = join(settings.stateDir, 'reports');
  mkdirSync(reportDir, { recursive: true });
  const reportFile = join(reportDir, `${name.replace(/\W+/g, '-')}.json`);
  rmSync(reportFile, { force: true });
  const exitCode = await run(
    'npx',
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reportFile}`,
      ...extraArgs,
    ],
    env,
  );
  if (!existsSync(reportFile)) return { name, passed: 0, failed: 1, skipped: 0, exitCode: exitCode || 1 };
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return {
    name,
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
    exitCode,
  };
}

const USAGE = `usage: npm test [-- <vitest arguments>]
       npm run test:faults

Brings up the local Kafka, Cassandra and PostgreSQL (only those not running), runs the tests against them,
then stops what it started. Without arguments: vitest's unit project (with v8 coverage of lambdas/, at least
90 % of lines), its integration project, then the DAG suite (ruff + pytest on real Airflow). Any arguments go to vitest instead (e.g. --project unit, a file path),
which reports unknown options itself; the DAG suite then does not run.

options:
  -h, --help   show this help`;

const settings = readLocalServicesSettings();
const services = createLocalServices(settings);
let startedByUs: LocalService[] = [];

async function stopWhatWeStarted(): Promise<void> {
  if (startedByUs.length === 0) return;
  log(`stopping the services this run started: ${startedByUs.map((s) => s.name).join(', ')}`);
  const toStop = startedByUs;
  startedByUs = [];
  await bringDown(toStop, log);
}

if (wantsHelp(process.argv.slice(2))) {
  console.log(USAGE);
  process.exit(0);
}

process.once('SIGINT', () => {
  void stopWhatWeStarted().finally(() => process.exit(130));
});

async function main(): Promise<number> {
  log('bringing up Kafka, Cassandra and PostgreSQL (already running ones are left alone)');
  const results = await bringUp(services, log);
  startedByUs = services.filter((s) => results.find((r) => r.name === s.name)?.outcome === 'started');

  const env: NodeJS.ProcessEnv = { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
  applyConnectionEnvironment(settings, env);

  // Without arguments: unit tests with coverage of lambdas/ (below 90 % of lines fails the run), integration,
  // the console in chromium (browser), then the DAG suite (the fault suite is `npm run test:faults`).
  const args = process.argv.slice(2);
  const suites: SuiteResult[] = [];
  if (args.length > 0) suites.push(await runVitest(env, args));
  else {
    const coverageDir = join(settings.stateDir, 'reports', 'coverage');
    suites.push(
      await runVitest(
        env,
        ['--project', 'unit', '--coverage', `--coverage.reportsDirectory=${coverageDir}`],
        'vitest unit',
      ),
    );
    suites.push(await runVitest(env, ['--project', 'integration'], 'vitest integration'));
    suites.push(await runVitest(env, ['--project', 'browser'], 'vitest browser'));
    suites.push(await runDagSuite(env));
  }
  const total = suites.reduce(
    (sum, s) => ({
      passed: sum.passed + s.passed,
      failed: sum.failed + s.failed,
      skipped: sum.skipped + s.skipped,
    }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  await stopWhatWeStarted();
  for (const s of suites)
    log(`${s.name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped (exit ${s.exitCode})`);
  const ok = suites.every((s) => s.exitCode === 0) && total.failed === 0;
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(`[test] ${describeFailure(error)}`);
    await stopWhatWeStarted().catch(() => {});
    process.exit(1);
  },
);
