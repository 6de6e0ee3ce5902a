import { Aspects, CfnResource, type IAspect, Validations } from 'aws-cdk-lib';
import { rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** A granular cdk-nag IAM rule: its findings carry the offending action, resource or managed policy. */
export type GranularIamRule = 'AwsSolutions-IAM4' | 'AwsSolutions-IAM5';

const RULES: Record<GranularIamRule, (node: CfnResource) => unknown> = {
  'AwsSolutions-IAM4': rules.iam.IAMNoManagedPolicies,
  'AwsSolutions-IAM5': rules.iam.IAMNoWildcardPermissions,
};

/**
 * Acknowledges the granular findings (`AwsSolutions-IAM5[Resource::...]`, `...[Action::...]`,
 * `AwsSolutions-IAM4[Policy::...]`) of the IAM resources under `scope`, but only those matching one of
 * `expected`: a wildcard added later that matches no pattern still fails synth. Runs as an aspect, after
 * every grant has been added; each acknowledged finding is recorded with `reason` in the validation report.
 *
 * The findings are computed with cdk-nag's own rule functions, so token-formatting details (logical IDs,
 * `<AWS::AccountId>`, literal regions) need not be reproduced here.
 */
export function acknowledgeIamFindings(
  scope: IConstruct,
  rule: GranularIamRule,
  expected: readonly RegExp[],
  reason: string,
): void {
  Aspects.of(scope).add(new AcknowledgeIamFindings(rule, expected, reason));
}

class AcknowledgeIamFindings implements IAspect {
  constructor(
    private readonly rule: GranularIamRule,
    private readonly expected: readonly RegExp[],
    private readonly reason: string,
  ) {}

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    if (!['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::ManagedPolicy'].includes(node.cfnResourceType))
      return;
    const findings = RULES[this.rule](node);
    if (!Array.isArray(findings)) return;
    const ids = findings
      .map(String)
      .filter((finding) => this.expected.some((pattern) => pattern.test(finding)))
      .map((finding) => ({ id: `AwsSolutions::${this.rule}[${finding}]`, reason: this.reason }));
    if (ids.length > 0) Validations.of(node).acknowledge(...ids);
  }
}
