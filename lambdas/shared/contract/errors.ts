import type { ContractIssue } from './issues.js';

/** Thrown by builders when they would otherwise emit an event that consumers must reject. */
export class InvalidUserCreatedEventError extends Error {
  override readonly name = 'InvalidUserCreatedEventError';

  constructor(readonly issues: readonly ContractIssue[]) {
    super(
      `user.created event violates the contract: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
    );
  }
}

/** Thrown when a serialised event would exceed MAX_EVENT_BYTES. */
export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';

  constructor(
    readonly sizeBytes: number,
    readonly maxBytes: number,
  ) {
    super(`serialised event is ${sizeBytes} bytes; the limit is ${maxBytes} bytes`);
  }
}

/** Thrown by buildUserDeletedEvent rather than emit a user.deleted event that consumers must reject. */
export class InvalidUserDeletedEventError extends Error {
  override readonly name = 'InvalidUserDeletedEventError';

  constructor(readonly issues: readonly ContractIssue[]) {
    super(
      `user.deleted event violates the contract: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
    );
  }
}
