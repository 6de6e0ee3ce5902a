import type { ContractFailureReason, ContractIssue } from '../shared/contract/index.js';

/** Why a record could not be processed; stored verbatim in dead_letters.reason. */
export type DeadLetterReason = ContractFailureReason | 'empty_value' | 'key_mismatch';

/** A record the processor could not accept, with the raw bytes kept for replay. */
export interface DeadLetter {
  readonly reason: DeadLetterReason;
  readonly issues: readonly ContractIssue[];
  readonly record: {
    readonly topic: string;
    readonly partition: number;
    readonly offset: number;
    readonly timestamp: number;
    readonly key: string | null;
    readonly value: Buffer | null;
    readonly headers: Readonly<Record<string, string>>;
  };
}
