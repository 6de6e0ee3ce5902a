import { type LogEntry, logLevel } from 'kafkajs';

/**
 * Broker states kafkajs logs at ERROR although it retries them itself and goes on: a freshly started
 * Kafka loading its group coordinator or electing partition leaders. Shown on a healthy start they would
 * look like failures, so they are left out; any other kafkajs ERROR is printed.
 */
const RETRIED_BROKER_STATES = [
  'The coordinator is loading',
  'There is no leader for this topic-partition',
  'The coordinator is not available',
  'This is not the correct coordinator',
] as const;

/** kafkajs logCreator for the local mirror: ERROR lines on stderr, minus the retried broker states. */
export function localKafkaLogCreator(print: (line: string) => void = (line) => console.error(line)) {
  return (_level: logLevel) =>
    ({ namespace, level, log }: LogEntry) => {
      if (level !== logLevel.ERROR) return;
      const error = (log as { error?: unknown }).error;
      const text = `${log.message} ${String(error ?? '')}`;
      if (RETRIED_BROKER_STATES.some((state) => text.includes(state))) return;
      print(`[kafkajs] ERROR ${namespace}: ${log.message}${error ? ` (${String(error)})` : ''}`);
    };
}
