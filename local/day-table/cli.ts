#!/usr/bin/env node
// The day table's upgrade commands (docs/scaling.md, "Upgrading a deployed stage"):
//   npm run day-table -- backfill | status | drop-legacy [options]
import { join } from 'node:path';
import type { Client } from 'cassandra-driver';
import { loadStageConfig } from '../../bin/config/index.js';
import {
  createCassandraClient,
  readCassandraConnectionConfig,
} from '../../lambdas/shared/clients/cassandra.js';
import {
  assertCqlIdentifier,
  LEGACY_USERS_BY_SIGNUP_DAY_TABLE,
  MAX_SIGNUP_DAY_BUCKETS,
} from '../../lambdas/shared/schema/cassandra/index.js';
import { CliUsageError, exitWithUsage, parseCli } from '../../tools/cli/args.js';
import { localSignupDayLayout, MIRRORED_STAGES, type MirroredStage } from '../runtime/local-mapping.js';
import { applyConnectionEnvironment, readLocalServicesSettings } from '../services/config.js';
import { backfillDayTable } from './backfill.js';
import { CheckpointMismatchError, CheckpointStore, isComplete } from './checkpoint.js';

const USAGE = `usage: npm run day-table -- backfill|status|drop-legacy [options]

The upgrade of a stage's day table from users_by_signup_day (partition signup_day, country) to
users_by_signup_day_bucketed (partition signup_day, country, bucket); docs/scaling.md has the procedure.

  backfill      copy every row of the legacy table into the bucketed one (IF NOT EXISTS; erased users skipped),
                in bounded token slices; resumes from its checkpoint (run it while the stage is in dual-write)
  status        print the backfill's checkpoint
  drop-legacy   DROP TABLE users_by_signup_day, once the backfill is complete (locally, or on a retained
                Keyspaces table after the stage's legacyTable is back to none)

options:
  --keyspace K          keyspace (default: CASSANDRA_KEYSPACE, else pipeline)
  --stage dev|prod      take the bucket count from this stage's config (default: the local mirror's)
  --buckets N           the bucket count itself, 1-${MAX_SIGNUP_DAY_BUCKETS} (instead of --stage)
  --checkpoint FILE     the backfill's checkpoint (default: <LOCAL_STATE_DIR>/day-table/<keyspace>.json)
  --rows-per-second N   most rows written per second, 0 for no limit (default 2000)
  --page-size N         rows per page read, 1-5000 (default 500)
  --max-slices N        stop after N of the 1,024 token slices (a bounded run; the next run resumes)
  --restart             forget the checkpoint and start over
  --force               drop-legacy without a complete backfill
  -h, --help            this text

Connection: the CASSANDRA_* variables (local defaults, or CASSANDRA_AUTH=sigv4 with CASSANDRA_CONTACT_POINTS
cassandra.<region>.amazonaws.com and AWS_REGION for Amazon Keyspaces).`;

const COMMANDS = ['backfill', 'status', 'drop-legacy'] as const;
type Command = (typeof COMMANDS)[number];

interface Options {
  readonly command: Command;
  readonly keyspace: string;
  readonly buckets: number;
  readonly checkpointFile: string;
  readonly rowsPerSecond: number;
  readonly pageSize: number;
  readonly maxSlices: number | undefined;
  readonly restart: boolean;
  readonly force: boolean;
}

function whole(values: Record<string, unknown>, flag: string, min: number, max: number): number | undefined {
  const raw = values[flag] as string | undefined;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new CliUsageError(
      `--${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`,
    );
  return n;
}

function bucketsOf(values: Record<string, unknown>): number {
  const explicit = whole(values, 'buckets', 1, MAX_SIGNUP_DAY_BUCKETS);
  const stage = values.stage as string | undefined;
  if (explicit !== undefined && stage !== undefined)
    throw new CliUsageError('give --buckets or --stage, not both');
  if (explicit !== undefined) return explicit;
  if (stage === undefined) return localSignupDayLayout().buckets;
  if (!(MIRRORED_STAGES as readonly string[]).includes(stage))
    throw new CliUsageError(`--stage must be ${MIRRORED_STAGES.join(' or ')} (got ${JSON.stringify(stage)})`);
  return loadStageConfig(stage as MirroredStage, {}).signupDayTable.buckets;
}

function parseOptions(argv: readonly string[], stateDir: string): Options {
  const { values, positionals } = parseCli(
    {
      usage: USAGE,
      allowPositionals: true,
      options: {
        keyspace: { type: 'string' },
        stage: { type: 'string' },
        buckets: { type: 'string' },
        checkpoint: { type: 'string' },
        'rows-per-second': { type: 'string' },
        'page-size': { type: 'string' },
        'max-slices': { type: 'string' },
        restart: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
      },
    },
    argv,
  );
  const [command, ...extra] = positionals;
  if (!(COMMANDS as readonly (string | undefined)[]).includes(command))
    throw new CliUsageError(
      `give one command: ${COMMANDS.join(', ')} (got ${JSON.stringify(command ?? '')})`,
    );
  if (extra.length > 0) throw new CliUsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const keyspace = (values.keyspace as string | undefined) ?? process.env.CASSANDRA_KEYSPACE ?? 'pipeline';
  try {
    assertCqlIdentifier(keyspace, 'keyspace');
  } catch (error) {
    throw new CliUsageError(`--keyspace: ${(error as Error).message}`);
  }
  return {
    command: command as Command,
    keyspace,
    buckets: bucketsOf(values),
    checkpointFile:
      (values.checkpoint as string | undefined) ?? join(stateDir, 'day-table', `${keyspace}.json`),
    rowsPerSecond: whole(values, 'rows-per-second', 0, 1_000_000) ?? 2_000,
    pageSize: whole(values, 'page-size', 1, 5_000) ?? 500,
    maxSlices: whole(values, 'max-slices', 1, 1_024),
    restart: values.restart as boolean,
    force: values.force as boolean,
  };
}

async function run(options: Options, client: Client, store: CheckpointStore): Promise<number> {
  const log = (message: string) => console.error(`[day-table] ${message}`);
  if (options.command === 'drop-legacy') {
    if (!options.force && !isComplete(store.load())) {
      log(`the backfill at ${store.file} is not complete: run backfill first (or --force)`);
      return 1;
    }
    await client.execute(`DROP TABLE IF EXISTS ${options.keyspace}.${LEGACY_USERS_BY_SIGNUP_DAY_TABLE.name}`);
    log(`dropped ${options.keyspace}.${LEGACY_USERS_BY_SIGNUP_DAY_TABLE.name}`);
    return 0;
  }
  if (options.restart) store.save(store.fresh(1024));
  log(
    `backfill ${options.keyspace}.${LEGACY_USERS_BY_SIGNUP_DAY_TABLE.name} -> users_by_signup_day_bucketed ` +
      `(${options.buckets} buckets, ≤ ${options.rowsPerSecond || 'unlimited'} rows/s); checkpoint ${store.file}`,
  );
  const result = await backfillDayTable({
    client,
    keyspace: options.keyspace,
    buckets: options.buckets,
    checkpoint: store,
    rowsPerSecond: options.rowsPerSecond,
    pageSize: options.pageSize,
    ...(options.maxSlices ? { maxSlices: options.maxSlices } : {}),
    log,
  });
  const { checkpoint } = result;
  console.log(
    JSON.stringify({
      rowsCopied: result.rowsCopied,
      slicesDone: result.slicesDone,
      nextSlice: checkpoint.nextSlice,
      slices: checkpoint.slices,
      totalRowsCopied: checkpoint.rowsCopied,
      complete: isComplete(checkpoint),
      keyMismatches: result.keyMismatches,
      skippedIds: result.skippedIds,
      erasedRows: result.erasedRows,
    }),
  );
  log(
    isComplete(checkpoint)
      ? 'complete: next, switch the readers (signupDayTable.legacyTable: readers-switched) and deploy'
      : `stopped at slice ${checkpoint.nextSlice} of ${checkpoint.slices}: run backfill again to resume`,
  );
  return result.skippedIds.length > 0 || result.keyMismatches > 0 ? 1 : 0;
}

/** The checkpoint, read without connecting to Cassandra. */
function status(options: Options): number {
  const store = new CheckpointStore(options.checkpointFile, {
    keyspace: options.keyspace,
    buckets: options.buckets,
  });
  try {
    const checkpoint = store.load();
    console.log(checkpoint ? JSON.stringify(checkpoint, null, 2) : `no backfill checkpoint at ${store.file}`);
  } catch (error) {
    if (error instanceof CheckpointMismatchError) exitWithUsage(USAGE, error.message);
    throw error;
  }
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const settings = readLocalServicesSettings();
  let options: Options;
  try {
    options = parseOptions(argv, settings.stateDir);
  } catch (error) {
    if (error instanceof CliUsageError) exitWithUsage(USAGE, error.message);
    throw error;
  }
  // Local defaults for every CASSANDRA_* variable the caller did not set (for Keyspaces, set them).
  applyConnectionEnvironment(settings);
  if (options.command === 'status') return status(options);
  const store = new CheckpointStore(options.checkpointFile, {
    keyspace: options.keyspace,
    buckets: options.buckets,
  });
  const client = await createCassandraClient({
    ...readCassandraConnectionConfig(process.env),
    keyspace: options.keyspace,
  });
  try {
    await client.connect();
    return await run(options, client, store);
  } catch (error) {
    if (error instanceof CheckpointMismatchError) exitWithUsage(USAGE, error.message);
    throw error;
  } finally {
    await client.shutdown();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[day-table] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
