import { Stack } from 'aws-cdk-lib';
import type * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { pipelineDashboard } from './definition/dashboard.js';
import type { DashboardProps } from './definition/props.js';
import { alarmName, allAlarms, type DashboardSpec } from './definition/types.js';
import { renderAlarm, renderDashboard } from './render/cdk-dashboard.js';

/** What the dashboard and alarms watch (see {@link DashboardProps}), and where alarms notify. */
export interface ObservabilityProps extends DashboardProps {
  /** Create alarms and their SNS topic. @default true */
  readonly alarms?: boolean;
  /** E-mail subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * The CloudWatch rendering of the pipeline's dashboard definition (`definition/`, shared with the local
 * console): one dashboard per stage, and the definition's alarms notifying one encrypted SNS topic.
 */
export class Observability extends Construct {
  /** The definition both renderers draw. */
  readonly definition: DashboardSpec;
  /** The dashboard. */
  readonly dashboard: cw.Dashboard;
  /** The alarm topic (when alarms are on). */
  readonly alarmTopic?: sns.Topic;
  /** Alarms by the definition's alarm id. */
  readonly alarms: ReadonlyMap<string, cw.Alarm>;
  /** The CloudWatch name of every alarm of the definition (empty when alarms are off). */
  readonly alarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.definition = pipelineDashboard(props);
    this.dashboard = renderDashboard(this, 'Dashboard', this.definition);
    const alarms = new Map<string, cw.Alarm>();
    if (props.alarms ?? true) {
      const topic = this.alarmTopicOf(props);
      this.alarmTopic = topic;
      const action = new cwActions.SnsAction(topic);
      for (const spec of allAlarms(this.definition)) {
        const alarm = renderAlarm(this, this.definition.name, spec);
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
        alarms.set(spec.id, alarm);
      }
    }
    this.alarms = alarms;
    this.alarmNames = [...alarms.keys()].map((alarmId) => alarmName(this.definition, alarmId));
  }

  /** One KMS-encrypted topic CloudWatch may publish to. */
  private alarmTopicOf(props: ObservabilityProps): sns.Topic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: `Alarm topic of the ${props.stageName} pipeline`,
      enableKeyRotation: true,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Real-time user pipeline alarms (${props.stageName})`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    return topic;
  }
}
