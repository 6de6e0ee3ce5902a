/**
 * `npm run verify -- --stage <stage>`: proves a stage end to end after `cdk deploy` (dev, prod), or the
 * `npm start` mirror (local), with one line per check and its time; exits 1 when a check fails, naming its
 * runbook entry. The checks are local/verify/checks; the ports are aws/ (SDK v3, the stack's outputs) or
 * local-adapters.ts.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { isStageName, loadStageConfig } from '../../bin/config/index.js';
import { exitWithUsage, parseCli, wholeNumberFlag } from '../../tools/cli/args.js';
import { ensureLocalApiKey } from '../runtime/api-gateway-access.js';
import { localKafkaLogCreator } from '../runtime/kafka-log.js';
import { readLocalServicesSettings } from '../services/config.js';
import { awsStagePorts } from './aws/adapters.js';
import type { VerifyContext } from './check.js';
import { VERIFY_CHECKS } from './checks/index.js';
import { type ExpectedStage, expectedStage } from './expected.js';
import { localStagePorts } from './local-adapters.js';
import type { StagePorts } from './ports.js';
import { formatCheck, runChecks } from './runner.js';

const USAGE = `usage: npm run verify -- --stage <dev|prod|local> [options]

Proves a deployed stage end to end (after cdk deploy), or the npm start mirror (--stage local): deployment,
push, pull, stores, poison, failure path, MWAA, observability, cleanup. One line per check with its time; a
failing check names its runbook entry (docs/runbook.md). Exits 1 when a check fails.

options:
  --stage S               dev, prod or local (the npm start mirror)
  --region R              AWS region of the stage (default: AWS_REGION, AWS_DEFAULT_REGION, the stage config)
  --api-url URL           local: the npm start HTTP API (default http://127.0.0.1:3000)
  --api-key KEY           local: its API key (default: API_KEY, else the state directory's, LOCAL_STATE_DIR/api-key)
  --invoke-url URL        local: its Lambda endpoint (default http://127.0.0.1:3001)
  --console-url URL       local: its console (default http://127.0.0.1:3002)
  --wait-seconds N        longest wait for users in the stores and the poison dead letter, 10-3600
                          (default 300, local 120)
  --dag-wait-seconds N    longest wait for the data_quality run, 60-7200 (default 1800, local 600)
  -h, --help              show this help`;

const { values: args } = parseCli({
  usage: USAGE,
  options: {
    stage: { type: 'string' },
    region: { type: 'string' },
    'api-url': { type: 'string', default: 'http://127.0.0.1:3000' },
    'api-key': { type: 'string' },
    'invoke-url': { type: 'string', default: 'http://127.0.0.1:3001' },
    'console-url': { type: 'string', default: 'http://127.0.0.1:3002' },
    'wait-seconds': { type: 'string' },
    'dag-wait-seconds': { type: 'string' },
  },
});

const stage = args.stage ?? exitWithUsage(USAGE, '--stage is required (dev, prod or local)');
if (!isStageName(stage)) exitWithUsage(USAGE, `--stage must be dev, prod or local, got "${stage}"`);
for (const flag of ['api-url', 'invoke-url', 'console-url'] as const) {
  if (!URL.canParse(args[flag])) exitWithUsage(USAGE, `--${flag} must be a URL, got "${args[flag]}"`);
}
const isLocal = stage === 'local';
const seconds = (flag: 'wait-seconds' | 'dag-wait-seconds', min: number, max: number, fallback: number) =>
  args[flag] === undefined ? fallback : wholeNumberFlag(USAGE, flag, args[flag], min, max);
const waits = {
  storesMs: seconds('wait-seconds', 10, 3_600, isLocal ? 120 : 300) * 1000,
  dagMs: seconds('dag-wait-seconds', 60, 7_200, isLocal ? 600 : 1_800) * 1000,
  pollMs: isLocal ? 1_000 : 5_000,
};
const clock = { now: () => Date.now(), sleep: (ms: number) => sleep(ms) };

function regionOf(): string {
  const region =
    args.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || loadStageConfig(stage).region;
  return (
    region ?? exitWithUsage(USAGE, '--region is required: no AWS_REGION, AWS_DEFAULT_REGION or stage region')
  );
}

async function portsOf(expected: ExpectedStage): Promise<StagePorts> {
  if (!isLocal) return awsStagePorts(loadStageConfig(stage), regionOf(), clock);
  const settings = readLocalServicesSettings();
  const kafka = new Kafka({
    clientId: 'verify',
    brokers: settings.kafka.brokers.split(','),
    logLevel: logLevel.ERROR,
    logCreator: localKafkaLogCreator(),
  });
  const endpoints = {
    apiUrl: args['api-url'],
    apiKey: args['api-key'] || process.env.API_KEY || ensureLocalApiKey(settings.stateDir),
    invokeUrl: args['invoke-url'],
    consoleUrl: args['console-url'],
  };
  return localStagePorts(endpoints, settings, kafka, expected.topics.failure.name);
}

async function main(): Promise<number> {
  const runId = randomBytes(4).toString('hex');
  const expected = expectedStage(stage);
  const context: VerifyContext = {
    runId,
    startedAt: new Date(),
    expected,
    waits,
    record: { userIds: [] },
    progress: (message) => console.error(`      … ${message}`),
    ...clock,
  };
  process.once('SIGINT', () => {
    const ids = context.record.userIds;
    console.error(
      `\ninterrupted; users this run wrote and left: ${ids.length > 0 ? ids.join(', ') : 'none'}`,
    );
    process.exit(130);
  });
  console.log(`verify stage ${stage} (run ${runId}), expected settings from ${expected.source}`);
  let ports: StagePorts;
  try {
    ports = await portsOf(expected);
  } catch (error) {
    // No stack (or not finished), no outputs: the deployment itself is what failed.
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.log(
      formatCheck({
        name: 'deployment',
        runbook: 'verify-deployment',
        status: 'fail',
        detail,
        durationMs: 0,
      }),
    );
    return 1;
  }
  return (await runChecks(VERIFY_CHECKS, ports, context, (line) => console.log(line))).exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`verify could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
