import { z } from 'zod';
import { VERIFY_RUN_ID_PATTERN } from './verify-run.js';

/** Most user ids one `read-users` request may ask for. */
export const MAX_USER_IDS = 100;

const readUsers = z.strictObject({
  action: z.literal('read-users'),
  userIds: z.array(z.uuid()).min(1).max(MAX_USER_IDS),
});

const sendPoison = z.strictObject({
  action: z.literal('send-poison'),
  runId: z.string().regex(VERIFY_RUN_ID_PATTERN),
});

const readDeadLetter = z.strictObject({
  action: z.literal('read-dead-letter'),
  topic: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/),
  partition: z.number().int().min(0),
  /** Kafka offsets can exceed 2^53: a decimal string. */
  offset: z.string().regex(/^\d{1,19}$/),
});

const verificationRequestSchema = z.discriminatedUnion('action', [readUsers, sendPoison, readDeadLetter]);

/** What `npm run verify` asks the verification function. */
export type VerificationRequest = z.infer<typeof verificationRequestSchema>;
export type ReadUsersRequest = z.infer<typeof readUsers>;
export type ReadDeadLetterRequest = z.infer<typeof readDeadLetter>;

/** What one store holds of the requested users, or why it could not be read. */
export type StoreReading =
  | { readonly store: string; readonly found: readonly string[] }
  | { readonly store: string; readonly error: string };

export interface ReadUsersResponse {
  readonly stores: readonly StoreReading[];
}

/** Where the poison record landed, as the broker acknowledged it. */
export interface SendPoisonResponse {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export type ReadDeadLetterResponse =
  | { readonly found: false }
  | {
      readonly found: true;
      readonly reason: string;
      readonly firstSeenAt: string;
      readonly attempts: number;
    };

/** Thrown for a request that is not one of the three actions, naming the first problem. */
export class InvalidVerificationRequestError extends Error {
  override readonly name = 'InvalidVerificationRequestError';
}

/** Parses an invocation payload. @throws InvalidVerificationRequestError */
export function parseVerificationRequest(event: unknown): VerificationRequest {
  const parsed = verificationRequestSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') || '(request)';
  throw new InvalidVerificationRequestError(`${path}: ${issue?.message ?? 'invalid request'}`);
}
