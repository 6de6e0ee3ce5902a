import {
  Kafka,
  type KafkaConfig,
  type LogEntry,
  logLevel,
  Partitioners,
  type Producer,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
} from 'kafkajs';
import type { StructuredLogger } from '../logger.js';
import type { KafkaProducerConfig } from './config.js';
import { KafkaUnavailableError, toKafkaFailure } from './errors.js';
import { generateMskIamToken, resolveMskBootstrapBrokers } from './msk.js';

/** What publishEvents needs; a kafkajs Producer and ManagedKafkaProducer both fit. */
export interface MessageSender {
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
}

export interface ManagedKafkaProducerDependencies {
  /** Receives kafkajs' own log lines (WARN and above). */
  readonly logger?: StructuredLogger;
  /** Bootstrap brokers of an MSK cluster; defaults to the MSK GetBootstrapBrokers API (IAM listener). */
  readonly resolveMskBrokers?: (clusterArn: string, region: string) => Promise<string[]>;
  /** An MSK IAM auth token; defaults to aws-msk-iam-sasl-signer-js with the default credential chain. */
  readonly generateIamToken?: (region: string) => Promise<string>;
  /** Seam for tests. */
  readonly createKafka?: (config: KafkaConfig) => Kafka;
}

/**
 * The producer settings both ingest Lambdas use. Idempotence needs one in-flight request per connection in
 * kafkajs; acks=-1 is set per send. The default partitioner is kafkajs' Java-compatible murmur2 one, so a
 * user id lands on the partition MSK's Java clients would pick. Retries are bounded (kafkajs warns that
 * this weakens idempotence across a long outage): a request must fail within seconds, and the caller
 * retries, which is at-least-once, absorbed by the processor's idempotent upserts.
 */
export function producerSettings(config: KafkaProducerConfig): ProducerConfig {
  return {
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    retry: retrySettings(config),
  };
}

/** kafkajs client settings for the given brokers: timeouts, retries, and TLS + SASL for IAM. */
export function kafkaClientSettings(
  config: KafkaProducerConfig,
  brokers: readonly string[],
  deps: Pick<ManagedKafkaProducerDependencies, 'generateIamToken' | 'logger'> = {},
): KafkaConfig {
  const settings: KafkaConfig = {
    clientId: config.clientId,
    brokers: [...brokers],
    connectionTimeout: config.connectionTimeoutMs,
    authenticationTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    enforceRequestTimeout: true,
    retry: retrySettings(config),
    logLevel: logLevel.WARN,
  };
  if (deps.logger) settings.logCreator = kafkaLogCreator(deps.logger);
  if (config.auth === 'iam') {
    const region = config.region;
    if (region === undefined) throw new KafkaUnavailableError('IAM authentication needs an AWS region');
    const generateToken = deps.generateIamToken ?? generateMskIamToken;
    settings.ssl = true;
    settings.sasl = {
      mechanism: 'oauthbearer',
      // Called on every (re)authentication, so tokens (valid 15 min) are always fresh.
      oauthBearerProvider: async () => ({ value: await generateToken(region) }),
    };
  }
  return settings;
}

/**
 * A kafkajs client for one-off work (the topics custom resource, replay): the config's brokers, or the MSK
 * cluster's IAM bootstrap brokers, looked up for this call.
 */
export async function createKafkaClient(
  config: KafkaProducerConfig,
  deps: Pick<ManagedKafkaProducerDependencies, 'logger'> = {},
): Promise<Kafka> {
  const { bootstrap } = config;
  const brokers =
    bootstrap.kind === 'brokers'
      ? bootstrap.brokers
      : await resolveMskBootstrapBrokers(bootstrap.clusterArn, config.region ?? '');
  return new Kafka(kafkaClientSettings(config, brokers, deps));
}

function retrySettings(config: KafkaProducerConfig) {
  return {
    retries: config.retries,
    initialRetryTime: 100,
    maxRetryTime: config.maxRetryDelayMs,
    factor: 0.2,
  };
}

/**
 * One producer per container, created and connected on first use and reused by every invocation. A
 * failed connect or an "unavailable" send drops the producer, so the next call starts a fresh connection
 * instead of reusing a broken one. Failures come out as KafkaUnavailableError or KafkaProduceError.
 */
export class ManagedKafkaProducer implements MessageSender {
  private producer: Promise<Producer> | undefined;
  private brokers: Promise<string[]> | undefined;
  private connected = false;

  constructor(
    private readonly config: KafkaProducerConfig,
    private readonly deps: ManagedKafkaProducerDependencies = {},
  ) {}

  /** True while a producer is connected; never opens a connection itself. */
  isConnected(): boolean {
    return this.connected;
  }

  /** Connects now (e.g. to fail fast at start-up); send() does this on demand. */
  async connect(): Promise<void> {
    await this.connectedProducer();
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const producer = await this.connectedProducer();
    try {
      return await producer.send(record);
    } catch (error) {
      const failure = toKafkaFailure(
        error,
        `producing ${record.messages.length} message(s) to ${record.topic}`,
      );
      if (failure instanceof KafkaUnavailableError) await this.discard(producer);
      throw failure;
    }
  }

  async disconnect(): Promise<void> {
    const current = this.producer;
    this.producer = undefined;
    this.connected = false;
    if (current === undefined) return;
    const producer = await current.catch(() => undefined); // a failed connect has nothing to close
    await producer?.disconnect();
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= this.openProducer().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  private async openProducer(): Promise<Producer> {
    const brokers = await this.bootstrapBrokers();
    const createKafka = this.deps.createKafka ?? ((settings: KafkaConfig) => new Kafka(settings));
    const kafka = createKafka(kafkaClientSettings(this.config, brokers, this.deps));
    const producer = kafka.producer(producerSettings(this.config));
    producer.on(producer.events.CONNECT, () => {
      this.connected = true;
    });
    producer.on(producer.events.DISCONNECT, () => {
      this.connected = false;
    });
    try {
      await producer.connect();
    } catch (error) {
      await this.closeQuietly(producer);
      throw toKafkaFailure(error, `connecting to Kafka (${brokers.join(',')})`);
    }
    this.connected = true;
    return producer;
  }

  /** Resolved once per container; a failed lookup is retried on the next call. */
  private bootstrapBrokers(): Promise<string[]> {
    const { bootstrap } = this.config;
    if (bootstrap.kind === 'brokers') return Promise.resolve([...bootstrap.brokers]);
    this.brokers ??= (async () => {
      const region = this.config.region;
      if (region === undefined) throw new KafkaUnavailableError('resolving MSK brokers needs an AWS region');
      const resolve = this.deps.resolveMskBrokers ?? resolveMskBootstrapBrokers;
      try {
        return await resolve(bootstrap.clusterArn, region);
      } catch (error) {
        // Without brokers nothing can be produced; whatever the lookup's problem, Kafka is unavailable.
        const reason = error instanceof Error ? error.message : String(error);
        throw new KafkaUnavailableError(`no bootstrap brokers for ${bootstrap.clusterArn}: ${reason}`, {
          cause: error,
        });
      }
    })().catch((error: unknown) => {
      this.brokers = undefined;
      throw error;
    });
    return this.brokers;
  }

  private async discard(producer: Producer): Promise<void> {
    if (this.producer !== undefined && (await this.producer.catch(() => undefined)) === producer) {
      this.producer = undefined;
    }
    this.connected = false;
    await this.closeQuietly(producer);
  }

  /** Closing a producer that already failed is best effort; the failure is logged, the original error wins. */
  private async closeQuietly(producer: Producer): Promise<void> {
    try {
      await producer.disconnect();
    } catch (error) {
      this.deps.logger?.warn('closing a failed Kafka producer failed', { error: String(error) });
    }
  }
}

// kafkajs warns about bounded retries on every producer it creates; producerSettings explains the choice.
const BOUNDED_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/**
 * Error answers the caller takes as an outcome, which kafkajs logs at ERROR before the caller sees them: the
 * topics function reads "the topic already has that many partitions" (a stale read, or a retry) and "already
 * exists" as done.
 */
const ANSWERS_TAKEN_AS_DONE: ReadonlyArray<{ readonly request: RegExp; readonly error: string }> = [
  { request: /^Response CreatePartitions\b/, error: 'Number of partitions is invalid' },
  { request: /^Response CreateTopics\b/, error: 'Topic with this name already exists' },
];

function isAnswerTakenAsDone(message: string, extra: Record<string, unknown>): boolean {
  return ANSWERS_TAKEN_AS_DONE.some((a) => a.request.test(message) && extra.error === a.error);
}

/** Routes kafkajs log lines to the function's structured logger. */
export function kafkaLogCreator(logger: StructuredLogger) {
  return (_level: logLevel) =>
    ({ namespace, level, log }: LogEntry) => {
      // kafkajs' own `timestamp` would clash with the logger's reserved key (a WARN on every line).
      const { message, timestamp: _kafkaTimestamp, ...extra } = log;
      const line = `kafkajs ${namespace}: ${message}`;
      if (message === BOUNDED_RETRIES_WARNING) logger.debug(line, extra);
      else if (isAnswerTakenAsDone(message, extra)) logger.info(line, extra);
      else if (level === logLevel.ERROR || level === logLevel.NOTHING) logger.error(line, extra);
      else if (level === logLevel.WARN) logger.warn(line, extra);
      else if (level === logLevel.INFO) logger.info(line, extra);
      else logger.debug(line, extra);
    };
}
