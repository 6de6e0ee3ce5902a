import { Logger } from '@aws-lambda-powertools/logger';
import { requiredString } from '../shared/config.js';
import { readKafkaProducerConfig } from '../shared/kafka/config.js';
import { createKafkaClient } from '../shared/kafka/producer.js';
import { parseReplayParams } from './params.js';
import { type ReplayReport, replayFailedBatches } from './replay.js';

const logger = new Logger({ serviceName: 'replay-failed-batches' });
const kafkaConfig = readKafkaProducerConfig(process.env, {
  clientId: 'replay-failed-batches',
  requestTimeoutMs: 30_000,
});
const target = {
  failureTopic: requiredString(process.env, 'FAILURE_TOPIC'),
  groupId: requiredString(process.env, 'REPLAY_GROUP_ID'),
};

/**
 * Invoked by the `replay_failed_batches` DAG with `{ dryRun?, since?, partition?, limit? }` (the parameters
 * of `npm run replay -- failed-batches`): replays the failure topic and returns what it replayed and skipped.
 */
export const handler = async (event: unknown): Promise<ReplayReport> => {
  const params = parseReplayParams((event ?? {}) as Record<string, unknown>);
  const kafka = await createKafkaClient(kafkaConfig, { logger });
  const report = await replayFailedBatches(kafka, target, params);
  logger.info('replay finished', {
    dryRun: report.dryRun,
    replayed: report.replayed.count,
    skipped: report.skipped.count,
    remaining: report.remaining,
  });
  return report;
};
