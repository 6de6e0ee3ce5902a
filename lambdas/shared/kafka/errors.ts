/**
 * Kafka could not be reached or did not acknowledge in time (connection refused/timed out, no leader,
 * retries exhausted). Transient: the caller may retry later; nothing was acknowledged.
 */
export class KafkaUnavailableError extends Error {
  override readonly name = 'KafkaUnavailableError';
}

/**
 * The brokers answered but refused the write for a reason retrying will not fix (authorisation, message too
 * large, authentication). Nothing was acknowledged.
 */
export class KafkaProduceError extends Error {
  override readonly name = 'KafkaProduceError';
}

/** The MSK control plane did not give the bootstrap brokers the producer needs. */
export class MskBootstrapBrokersError extends Error {
  override readonly name = 'MskBootstrapBrokersError';
}

// kafkajs errors that mean "cannot reach / not ready", whatever their `retriable` flag says.
const UNAVAILABLE_ERROR_NAMES = new Set([
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSTimeout',
  'KafkaJSLockTimeout',
]);

/**
 * Turns whatever a kafkajs call threw into KafkaUnavailableError (transient) or KafkaProduceError
 * (permanent), keeping the original as `cause`. Errors that already have one of these types pass through.
 */
export function toKafkaFailure(error: unknown, action: string): KafkaUnavailableError | KafkaProduceError {
  if (error instanceof KafkaUnavailableError || error instanceof KafkaProduceError) return error;
  const detail = describe(error);
  if (isTransient(error))
    return new KafkaUnavailableError(`${action}: Kafka is unavailable (${detail})`, { cause: error });
  return new KafkaProduceError(`${action}: Kafka refused the request (${detail})`, { cause: error });
}

function isTransient(error: unknown): boolean {
  if (error instanceof MskBootstrapBrokersError) return true;
  if (!(error instanceof Error)) return false;
  if (UNAVAILABLE_ERROR_NAMES.has(error.name)) return true;
  // kafkajs marks broker error codes such as LEADER_NOT_AVAILABLE or NOT_ENOUGH_REPLICAS as retriable.
  if (error.name.startsWith('KafkaJS') && (error as { retriable?: unknown }).retriable === true) return true;
  // A KafkaJSNonRetriableError wrapper is judged by what it wraps.
  if (error.name === 'KafkaJSNonRetriableError' && error.cause !== undefined && error.cause !== error) {
    return isTransient(error.cause);
  }
  return false;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause =
    error.cause instanceof Error && error.cause !== error ? `; cause: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}
