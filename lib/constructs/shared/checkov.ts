import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Shortest reason a checkov skip may carry: it must say why, not just "not needed". */
export const MIN_CHECKOV_REASON_LENGTH = 40;

/** One checkov check skipped on one resource, with the reason a reviewer reads. */
export interface CheckovSkip {
  /** Check id, e.g. `CKV_AWS_117`. */
  readonly id: string;
  /** Why the finding does not apply to this resource (at least {@link MIN_CHECKOV_REASON_LENGTH} characters). */
  readonly reason: string;
}

/** A checkov skip without a usable reason. */
export class CheckovSkipReasonError extends Error {
  constructor(id: string, path: string) {
    super(`checkov skip ${id} on ${path} needs a reason of at least ${MIN_CHECKOV_REASON_LENGTH} characters`);
    this.name = 'CheckovSkipReasonError';
  }
}

/**
 * Skips checkov checks on one resource, the way checkov reads CloudFormation: resource metadata
 * `checkov: { skip: [{ id, comment }] }`. Like a cdk-nag acknowledgement, the skip is scoped to that
 * resource and carries its reason into the scan report. `scope` may be an L2 construct: its default child
 * (the CloudFormation resource) receives the metadata.
 */
export function skipCheckov(scope: IConstruct, ...skips: readonly CheckovSkip[]): void {
  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) {
    throw new Error(`skipCheckov: ${scope.node.path} has no CloudFormation resource`);
  }
  for (const skip of skips) {
    if (skip.reason.trim().length < MIN_CHECKOV_REASON_LENGTH)
      throw new CheckovSkipReasonError(skip.id, scope.node.path);
  }
  const existing = (resource.getMetadata('checkov') as { skip?: { id: string; comment: string }[] }) ?? {};
  const merged = [...(existing.skip ?? [])];
  for (const skip of skips) {
    if (!merged.some((entry) => entry.id === skip.id)) merged.push({ id: skip.id, comment: skip.reason });
  }
  resource.addMetadata('checkov', { ...existing, skip: merged });
}
