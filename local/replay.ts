/**
 * `npm run replay -- failed-batches [--dry-run] [--since ISO|30m|2h|1d] [--partition N] [--limit N]`
 *
 * Produces the records the (local) event source mapping gave up on back to their source topic, from the
 * failure topic, with the same code the `replay_failed_batches` DAG runs in AWS
 * (lambdas/replay-failed-batches). Progress is the consumer group's committed offsets: a second run replays
 * nothing the first one did. Prints what it replayed and what it skipped, as JSON.
 */
import { Kafka, logLevel } from 'kafkajs';
import { parseReplayParams, ReplayParamError } from '../lambdas/replay-failed-batches/params.js';
import { replayFailedBatches } from '../lambdas/replay-failed-batches/replay.js';
import { exitWithUsage, parseCli } from '../tools/cli/args.js';
import { localKafkaLogCreator } from './runtime/kafka-log.js';
import { LOCAL_REPLAY_GROUP, localMappingSettings } from './runtime/local-mapping.js';
import { readLocalServicesSettings } from './services/config.js';

const USAGE = `usage: npm run replay -- failed-batches [options]

Produces the records the event source mapping gave up on (the failure topic) back to their source topic,
unchanged (same event_id); progress is the replay group's committed offsets, so a second run redoes nothing.

options:
  --dry-run            report what would be replayed; produce and commit nothing
  --since WHEN         only records that failed at or after WHEN: an ISO-8601 instant or an age (30m, 2h, 1d)
  --partition N        only this partition of the failure topic
  --limit N            replay at most N records this run
  -h, --help           show this help`;

function parseCommandLine(argv: readonly string[]) {
  const parsed = parseCli(
    {
      usage: USAGE,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        since: { type: 'string' },
        partition: { type: 'string' },
        limit: { type: 'string' },
      },
    },
    argv,
  );
  const [command, ...rest] = parsed.positionals;
  if (command !== 'failed-batches' || rest.length > 0) {
    exitWithUsage(
      USAGE,
      command === undefined
        ? 'missing what to replay: failed-batches'
        : `unknown argument "${[command, ...rest].join(' ')}"`,
    );
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  try {
    return parseReplayParams({
      dryRun: values['dry-run'],
      since: values.since,
      partition: values.partition,
      limit: values.limit,
    });
  } catch (error) {
    if (!(error instanceof ReplayParamError)) throw error;
    const flag = error.field === 'dryRun' ? 'dry-run' : error.field;
    return exitWithUsage(USAGE, `--${flag}: ${error.message}`);
  }
}

async function main(): Promise<void> {
  const params = parseCommandLine(process.argv.slice(2));
  const settings = readLocalServicesSettings();
  const failureTopic = process.env.KAFKA_FAILURE_TOPIC || localMappingSettings().failure.failureTopic;
  const kafka = new Kafka({
    clientId: 'local-replay',
    brokers: settings.kafka.brokers.split(','),
    logLevel: logLevel.ERROR,
    logCreator: localKafkaLogCreator(),
  });
  const report = await replayFailedBatches(
    kafka,
    { failureTopic, groupId: process.env.REPLAY_GROUP_ID || LOCAL_REPLAY_GROUP },
    params,
  );
  console.log(JSON.stringify(report, null, 2));
  console.error(
    `[replay] ${params.dryRun ? 'would replay' : 'replayed'} ${report.replayed.count}, skipped ${report.skipped.count}, ` +
      `left for a later run ${report.remaining} (failure topic ${failureTopic})`,
  );
}

main().catch((error: unknown) => {
  console.error(`[replay] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
