import type { ProducerRecord, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { EventTooLargeError, type UserCreatedEvent } from '../../../../../lambdas/shared/contract/index.js';
import {
  KafkaProduceError,
  KafkaUnavailableError,
  MskBootstrapBrokersError,
  toKafkaFailure,
} from '../../../../../lambdas/shared/kafka/errors.js';
import type { MessageSender } from '../../../../../lambdas/shared/kafka/producer.js';
import { publishEvents } from '../../../../../lambdas/shared/kafka/publish.js';
import { kafkaJsError, userCreatedEvent } from './fixtures.js';

const USER_A = '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f';
const USER_B = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

function recordingSender(failure?: Error) {
  const sent: ProducerRecord[] = [];
  const sender: MessageSender = {
    send: async (record) => {
      sent.push(record);
      if (failure) throw failure;
      return [{ topicName: record.topic, partition: 0, errorCode: 0, baseOffset: '0' } as RecordMetadata];
    },
  };
  return { sender, sent };
}

describe('publishEvents', () => {
  it('sends all events in one acks=-1 send, keyed by user id, with the contract headers', async () => {
    const { sender, sent } = recordingSender();
    const events = [userCreatedEvent(USER_A), userCreatedEvent(USER_B)];

    const published = await publishEvents(sender, 'users_created', events, 'Root=1-abc');

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'users_created', acks: -1 });
    expect(sent[0]?.messages).toEqual(
      events.map((event) => ({
        key: event.payload.id,
        value: JSON.stringify(event),
        headers: { schema_version: '2', event_type: 'user.created', trace_id: 'Root=1-abc' },
      })),
    );
    expect(published.eventIds).toEqual(events.map((event) => event.event_id));
  });

  it('sends nothing for no events', async () => {
    const { sender, sent } = recordingSender();
    await expect(publishEvents(sender, 'users_created', [])).resolves.toEqual({
      eventIds: [],
      partitions: [],
    });
    expect(sent).toHaveLength(0);
  });

  it('sends nothing when one event of the batch is too large for the contract', async () => {
    const { sender, sent } = recordingSender();
    const huge = userCreatedEvent(USER_B);
    const oversized = {
      ...huge,
      payload: { ...huge.payload, address: 'x'.repeat(70 * 1024) },
    } as UserCreatedEvent;

    await expect(
      publishEvents(sender, 'users_created', [userCreatedEvent(USER_A), oversized]),
    ).rejects.toThrow(EventTooLargeError);
    expect(sent).toHaveLength(0);
  });

  it('reports an unreachable broker as KafkaUnavailableError, keeping the cause', async () => {
    const cause = kafkaJsError('KafkaJSNumberOfRetriesExceeded', 'Connection error: connect ECONNREFUSED', {
      retriable: false,
    });
    const { sender } = recordingSender(cause);
    const failure = await publishEvents(sender, 'users_created', [userCreatedEvent(USER_A)]).catch((e) => e);
    expect(failure).toBeInstanceOf(KafkaUnavailableError);
    expect(failure.cause).toBe(cause);
  });
});

describe('toKafkaFailure', () => {
  it.each([
    ['retries exhausted', kafkaJsError('KafkaJSNumberOfRetriesExceeded', 'x', { retriable: false })],
    ['a connection error', kafkaJsError('KafkaJSConnectionError', 'ECONNREFUSED')],
    ['a request timeout', kafkaJsError('KafkaJSRequestTimeoutError', 'Request Produce(key: 0) timed out')],
    ['a retriable broker error code', kafkaJsError('KafkaJSProtocolError', 'NOT_ENOUGH_REPLICAS')],
    [
      'a non-retriable wrapper around a connection error',
      kafkaJsError('KafkaJSNonRetriableError', 'x', {
        retriable: false,
        cause: kafkaJsError('KafkaJSConnectionError', 'ECONNRESET'),
      }),
    ],
    ['no bootstrap brokers from MSK', new MskBootstrapBrokersError('GetBootstrapBrokers failed')],
  ])('treats %s as unavailable (retry later)', (_case, error) => {
    expect(toKafkaFailure(error, 'producing')).toBeInstanceOf(KafkaUnavailableError);
  });

  it.each([
    ['a message too large', kafkaJsError('KafkaJSProtocolError', 'MESSAGE_TOO_LARGE', { retriable: false })],
    [
      'an authorisation failure',
      kafkaJsError('KafkaJSProtocolError', 'TOPIC_AUTHORIZATION_FAILED', { retriable: false }),
    ],
    [
      'a SASL failure',
      kafkaJsError('KafkaJSSASLAuthenticationError', 'SASL OAUTHBEARER failed', { retriable: false }),
    ],
    ['something that is not an Error', 'boom'],
  ])('treats %s as a refusal (retrying will not help)', (_case, error) => {
    const failure = toKafkaFailure(error, 'producing');
    expect(failure).toBeInstanceOf(KafkaProduceError);
    expect(failure.message).toMatch(/^producing: Kafka refused the request/);
  });

  it('passes already typed failures through unchanged', () => {
    const typed = new KafkaUnavailableError('down');
    expect(toKafkaFailure(typed, 'producing')).toBe(typed);
  });
});
