import {
  buildUserCreatedEvent,
  type UserCreatedEvent,
} from '../../../../../lambdas/shared/contract/index.js';
import { sampleUserPayload } from '../contract/fixtures.js';

/** A valid event for `userId`, built through the contract as a producer builds it. */
export function userCreatedEvent(userId: string, overrides: Record<string, unknown> = {}): UserCreatedEvent {
  return buildUserCreatedEvent(sampleUserPayload({ id: userId, ...overrides }), {
    source: 'ingest-http',
    now: () => new Date('2024-05-01T12:00:00.000Z'),
  });
}

/** An error shaped like the kafkajs one of that name (kafkajs' classes are not importable from ESM). */
export function kafkaJsError(
  name: string,
  message: string,
  options: { retriable?: boolean; cause?: unknown } = {},
): Error {
  const error = new Error(message, { cause: options.cause }) as Error & { retriable: boolean };
  error.name = name;
  error.retriable = options.retriable ?? true;
  return error;
}
