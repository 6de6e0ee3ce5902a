import type * as z from 'zod';

/** One validation problem, addressed by a dotted field path ('payload.email'; '' = the whole document). */
export interface ContractIssue {
  readonly path: string;
  readonly message: string;
}

export type ContractFailureReason =
  | 'invalid_json'
  | 'schema_violation'
  | 'unsupported_schema_version'
  | 'unsupported_event_type'
  | 'oversize';

export interface ContractFailure<Reason extends ContractFailureReason = ContractFailureReason> {
  readonly ok: false;
  readonly reason: Reason;
  readonly issues: readonly ContractIssue[];
}

export const UNKNOWN_FIELD_MESSAGE = 'unknown field (unknown fields are rejected)';

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}

/**
 * Flattens zod issues into the wire format. An unknown-keys issue is split into one issue per key so that
 * every issue names the offending field itself, not its parent object.
 */
export function toContractIssues(zodIssues: readonly z.core.$ZodIssue[]): ContractIssue[] {
  const issues: ContractIssue[] = [];
  for (const issue of zodIssues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: formatIssuePath([...issue.path, key]), message: UNKNOWN_FIELD_MESSAGE });
      }
      continue;
    }
    issues.push({ path: formatIssuePath(issue.path), message: issue.message });
  }
  return issues;
}
