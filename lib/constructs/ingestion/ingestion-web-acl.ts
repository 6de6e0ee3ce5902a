import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/**
 * The ingestion API's AWS WAF web ACL: AWS managed rule groups and a per-IP rate limit, created in `scope`
 * (the Ingestion construct, whose construct path its logical id keeps).
 */
export function createIngestionWebAcl(
  scope: Construct,
  stageName: string,
  requestsPerIpPer5Minutes: number,
): wafv2.CfnWebACL {
  return new wafv2.CfnWebACL(scope, 'WebAcl', {
    name: `realtime-user-pipeline-${stageName}`,
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: {
      cloudWatchMetricsEnabled: true,
      metricName: `realtime-user-pipeline-${stageName}`,
      sampledRequestsEnabled: true,
    },
    rules: [
      managedRuleGroup('AWSManagedRulesAmazonIpReputationList', 0),
      // Batches of up to 500 users (512 KiB) are legitimate: the 8 KiB body limit only counts.
      managedRuleGroup('AWSManagedRulesCommonRuleSet', 1, ['SizeRestrictions_BODY']),
      managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', 2),
      {
        name: 'RateLimitPerIp',
        priority: 3,
        action: { block: {} },
        statement: { rateBasedStatement: { limit: requestsPerIpPer5Minutes, aggregateKeyType: 'IP' } },
        visibilityConfig: {
          cloudWatchMetricsEnabled: true,
          metricName: 'RateLimitPerIp',
          sampledRequestsEnabled: true,
        },
      },
    ],
  });
}

/** An AWS managed rule group, its `countOnly` rules overridden to count instead of block. */
function managedRuleGroup(
  name: string,
  priority: number,
  countOnly: string[] = [],
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(countOnly.length > 0
          ? { ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
          : {}),
      },
    },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
  };
}
