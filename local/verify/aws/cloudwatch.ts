import { type CloudWatchClient, DescribeAlarmsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import type { AlarmPort, AlarmState } from '../ports.js';

/** The stage's alarms (names from the stack's AlarmNames output) and the mapping's metrics in CloudWatch. */
export class CloudWatchAlarms implements AlarmPort {
  constructor(
    private readonly client: CloudWatchClient,
    private readonly alarmNames: readonly string[],
  ) {}

  async definedAlarms(): Promise<readonly string[]> {
    return this.alarmNames;
  }

  async states(names: readonly string[]): Promise<ReadonlyMap<string, AlarmState>> {
    const states = new Map<string, AlarmState>();
    // DescribeAlarms takes at most 100 names per call.
    for (let at = 0; at < names.length; at += 100) {
      const page = await this.client.send(
        new DescribeAlarmsCommand({ AlarmNames: names.slice(at, at + 100) }),
      );
      for (const alarm of page.MetricAlarms ?? []) {
        if (alarm.AlarmName && alarm.StateValue) states.set(alarm.AlarmName, alarm.StateValue as AlarmState);
      }
    }
    return states;
  }

  async mappingMetricDimensions(mappingUuid: string): Promise<readonly (readonly string[])[]> {
    const sets: string[][] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListMetricsCommand({
          Namespace: 'AWS/Lambda',
          Dimensions: [{ Name: 'EventSourceMappingUUID', Value: mappingUuid }],
          NextToken: token,
        }),
      );
      for (const metric of page.Metrics ?? []) sets.push((metric.Dimensions ?? []).map((d) => d.Name ?? ''));
      token = page.NextToken;
    } while (token);
    return sets;
  }
}
