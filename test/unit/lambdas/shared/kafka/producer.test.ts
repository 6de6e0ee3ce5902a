import type { Kafka, KafkaConfig, ProducerConfig, ProducerRecord } from 'kafkajs';
import { logLevel, Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  type KafkaProducerConfig,
  readKafkaProducerConfig,
} from '../../../../../lambdas/shared/kafka/config.js';
import { KafkaProduceError, KafkaUnavailableError } from '../../../../../lambdas/shared/kafka/errors.js';
import {
  kafkaClientSettings,
  kafkaLogCreator,
  ManagedKafkaProducer,
  producerSettings,
} from '../../../../../lambdas/shared/kafka/producer.js';
import { kafkaJsError } from './fixtures.js';

const ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/pipeline/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b-3';
const RECORD: ProducerRecord = { topic: 'users_created', acks: -1, messages: [{ key: 'k', value: 'v' }] };

type Step = 'ok' | Error;

/** A kafkajs stand-in: each created producer consumes the next planned connect and send outcomes. */
function fakeKafka(plan: { connects?: Step[]; sends?: Step[] } = {}) {
  const connects = [...(plan.connects ?? [])];
  const sends = [...(plan.sends ?? [])];
  const created: { settings: KafkaConfig; producerConfig?: ProducerConfig; disconnects: number }[] = [];
  const createKafka = (settings: KafkaConfig): Kafka => {
    const entry: (typeof created)[number] = { settings, disconnects: 0 };
    created.push(entry);
    const listeners = new Map<string, () => void>();
    return {
      producer: (producerConfig: ProducerConfig) => {
        entry.producerConfig = producerConfig;
        return {
          events: { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' },
          on: (event: string, listener: () => void) => listeners.set(event, listener),
          connect: async () => {
            const step = connects.shift() ?? 'ok';
            if (step !== 'ok') throw step;
            listeners.get('producer.connect')?.();
          },
          send: async () => {
            const step = sends.shift() ?? 'ok';
            if (step !== 'ok') throw step;
            return [];
          },
          disconnect: async () => {
            entry.disconnects += 1;
            listeners.get('producer.disconnect')?.();
          },
        };
      },
    } as unknown as Kafka;
  };
  return { createKafka, created };
}

const brokersConfig = (): KafkaProducerConfig =>
  readKafkaProducerConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }, { clientId: 'test' });

describe('ManagedKafkaProducer', () => {
  it('connects lazily, once, and reuses the connection', async () => {
    const kafka = fakeKafka();
    const producer = new ManagedKafkaProducer(brokersConfig(), { createKafka: kafka.createKafka });
    expect(kafka.created).toHaveLength(0);
    expect(producer.isConnected()).toBe(false);

    await producer.send(RECORD);
    await producer.send(RECORD);

    expect(kafka.created).toHaveLength(1);
    expect(producer.isConnected()).toBe(true);
  });

  it('turns a failed connect into KafkaUnavailableError and connects afresh on the next call', async () => {
    const kafka = fakeKafka({ connects: [kafkaJsError('KafkaJSNumberOfRetriesExceeded', 'ECONNREFUSED')] });
    const producer = new ManagedKafkaProducer(brokersConfig(), { createKafka: kafka.createKafka });

    await expect(producer.send(RECORD)).rejects.toThrow(KafkaUnavailableError);
    expect(producer.isConnected()).toBe(false);
    await producer.send(RECORD);

    expect(kafka.created).toHaveLength(2);
    expect(kafka.created[0]?.disconnects).toBe(1);
    expect(producer.isConnected()).toBe(true);
  });

  it('drops the producer after an "unavailable" send so the next call reconnects', async () => {
    const kafka = fakeKafka({
      sends: [kafkaJsError('KafkaJSRequestTimeoutError', 'Request Produce timed out')],
    });
    const producer = new ManagedKafkaProducer(brokersConfig(), { createKafka: kafka.createKafka });

    await expect(producer.send(RECORD)).rejects.toThrow(KafkaUnavailableError);
    await producer.send(RECORD);

    expect(kafka.created).toHaveLength(2);
    expect(kafka.created[0]?.disconnects).toBe(1);
  });

  it('keeps the connection after a refusal that reconnecting would not fix', async () => {
    const kafka = fakeKafka({
      sends: [kafkaJsError('KafkaJSProtocolError', 'MESSAGE_TOO_LARGE', { retriable: false })],
    });
    const producer = new ManagedKafkaProducer(brokersConfig(), { createKafka: kafka.createKafka });

    await expect(producer.send(RECORD)).rejects.toThrow(KafkaProduceError);
    await producer.send(RECORD);

    expect(kafka.created).toHaveLength(1);
  });

  it('resolves MSK bootstrap brokers once per container and retries a failed lookup', async () => {
    const kafka = fakeKafka({ sends: [kafkaJsError('KafkaJSConnectionError', 'ECONNRESET')] });
    const lookups: [string, string][] = [];
    let failLookup = true;
    const producer = new ManagedKafkaProducer(
      readKafkaProducerConfig({ MSK_CLUSTER_ARN: ARN }, { clientId: 'test' }),
      {
        createKafka: kafka.createKafka,
        generateIamToken: async () => 'token',
        resolveMskBrokers: async (arn, region) => {
          lookups.push([arn, region]);
          if (failLookup) {
            failLookup = false;
            throw new Error('AccessDeniedException');
          }
          return [
            'b-1.pipeline.kafka.eu-west-1.amazonaws.com:9098',
            'b-2.pipeline.kafka.eu-west-1.amazonaws.com:9098',
          ];
        },
      },
    );

    await expect(producer.send(RECORD)).rejects.toThrow(KafkaUnavailableError); // lookup failed
    await expect(producer.send(RECORD)).rejects.toThrow(KafkaUnavailableError); // send failed → reconnect
    await producer.send(RECORD);

    expect(lookups).toEqual([
      [ARN, 'eu-west-1'],
      [ARN, 'eu-west-1'],
    ]);
    expect(kafka.created.map((c) => c.settings.brokers)).toEqual([
      ['b-1.pipeline.kafka.eu-west-1.amazonaws.com:9098', 'b-2.pipeline.kafka.eu-west-1.amazonaws.com:9098'],
      ['b-1.pipeline.kafka.eu-west-1.amazonaws.com:9098', 'b-2.pipeline.kafka.eu-west-1.amazonaws.com:9098'],
    ]);
  });

  it('creates the producer with idempotence, one in-flight request and the Java-compatible partitioner', async () => {
    const kafka = fakeKafka();
    await new ManagedKafkaProducer(brokersConfig(), { createKafka: kafka.createKafka }).send(RECORD);
    expect(kafka.created[0]?.producerConfig).toEqual(producerSettings(brokersConfig()));
    expect(producerSettings(brokersConfig())).toMatchObject({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      retry: { retries: 2, maxRetryTime: 1_000 },
    });
  });
});

describe('kafkaClientSettings', () => {
  it('uses the short timeouts and no TLS/SASL without IAM', () => {
    const settings = kafkaClientSettings(brokersConfig(), ['127.0.0.1:9092']);
    expect(settings).toMatchObject({
      clientId: 'test',
      brokers: ['127.0.0.1:9092'],
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      retry: { retries: 2 },
    });
    expect(settings.ssl).toBeUndefined();
    expect(settings.sasl).toBeUndefined();
  });

  it('uses TLS and SASL OAUTHBEARER with a fresh MSK IAM token for the configured region', async () => {
    const config = readKafkaProducerConfig(
      { KAFKA_BROKERS: 'b-1.example:9098', KAFKA_AUTH: 'iam', AWS_REGION: 'eu-west-1' },
      { clientId: 'test' },
    );
    const regions: string[] = [];
    const settings = kafkaClientSettings(config, ['b-1.example:9098'], {
      generateIamToken: async (region) => {
        regions.push(region);
        return `token-${regions.length}`;
      },
    });
    expect(settings.ssl).toBe(true);
    const sasl = settings.sasl as {
      mechanism: string;
      oauthBearerProvider: () => Promise<{ value: string }>;
    };
    expect(sasl.mechanism).toBe('oauthbearer');
    await expect(sasl.oauthBearerProvider()).resolves.toEqual({ value: 'token-1' });
    await expect(sasl.oauthBearerProvider()).resolves.toEqual({ value: 'token-2' });
    expect(regions).toEqual(['eu-west-1', 'eu-west-1']);
  });
});

describe('kafkaLogCreator', () => {
  it("routes kafkajs log lines to the function's logger by level", () => {
    const lines: [string, string, Record<string, unknown>][] = [];
    const record =
      (level: string) =>
      (message: string, ...attributes: Record<string, unknown>[]) =>
        lines.push([level, message, attributes[0] ?? {}]);
    const log = kafkaLogCreator({
      error: record('error'),
      warn: record('warn'),
      info: record('info'),
      debug: record('debug'),
    })(logLevel.WARN);
    const entry = (level: logLevel, message: string) => ({
      namespace: 'Producer',
      level,
      label: 'x',
      log: { timestamp: 't', logger: 'kafkajs', message, broker: 'b:1' },
    });

    log(entry(logLevel.ERROR, 'Connection error'));
    log(entry(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'));
    log(entry(logLevel.INFO, 'Connected'));

    expect(lines).toEqual([
      // kafkajs' `timestamp` is left out: it is a reserved key of the powertools logger (a WARN per line).
      ['error', 'kafkajs Producer: Connection error', { logger: 'kafkajs', broker: 'b:1' }],
      // The bounded-retries warning is a documented choice, not news on every cold start.
      [
        'debug',
        'kafkajs Producer: Limiting retries for the idempotent producer may invalidate EoS guarantees',
        expect.any(Object),
      ],
      ['info', 'kafkajs Producer: Connected', expect.any(Object)],
    ]);
  });

  it('logs the error answers the topics function takes as done at info, any other at error', () => {
    const lines: [string, string][] = [];
    const record = (level: string) => (message: string) => lines.push([level, message]);
    const log = kafkaLogCreator({
      error: record('error'),
      warn: record('warn'),
      info: record('info'),
      debug: record('debug'),
    })(logLevel.WARN);
    const answer = (request: string, error: string) => ({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { timestamp: 't', logger: 'kafkajs', message: `Response ${request}`, error },
    });

    log(answer('CreatePartitions(key: 37, version: 1)', 'Number of partitions is invalid'));
    log(answer('CreateTopics(key: 19, version: 3)', 'Topic with this name already exists'));
    log(answer('CreatePartitions(key: 37, version: 1)', 'Cluster authorization failed'));
    log(answer('Produce(key: 0, version: 7)', 'Number of partitions is invalid'));

    expect(lines).toEqual([
      ['info', 'kafkajs Connection: Response CreatePartitions(key: 37, version: 1)'],
      ['info', 'kafkajs Connection: Response CreateTopics(key: 19, version: 3)'],
      ['error', 'kafkajs Connection: Response CreatePartitions(key: 37, version: 1)'],
      ['error', 'kafkajs Connection: Response Produce(key: 0, version: 7)'],
    ]);
  });
});
