import { Duration } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { type AlarmSpec, alarmName, type DashboardSpec, runbookLink } from '../definition/types.js';
import { cdkComparison, cdkMissingData, cdkSeries } from './cdk-metrics.js';

/** Draws the definition: per segment a title, per row a heading, then the row's graphs. */
export function renderDashboard(scope: Construct, id: string, spec: DashboardSpec): cw.Dashboard {
  const dashboard = new cw.Dashboard(scope, id, {
    dashboardName: spec.name,
    defaultInterval: Duration.hours(3),
  });
  for (const segment of spec.segments) {
    for (const row of segment.rows) {
      dashboard.addWidgets(
        new cw.TextWidget({ markdown: `### ${segment.title} · ${row.title}`, width: 24, height: 1 }),
      );
      dashboard.addWidgets(
        ...row.widgets.map(
          (widget) =>
            new cw.GraphWidget({
              title: widget.title,
              left: widget.left.map(cdkSeries),
              right: widget.right.map(cdkSeries),
              width: widget.width,
              height: widget.height,
            }),
        ),
      );
    }
  }
  return dashboard;
}

/** One alarm of the definition; its description ends with its runbook entry. */
export function renderAlarm(scope: Construct, dashboardName: string, spec: AlarmSpec): cw.Alarm {
  return new cw.Alarm(scope, `Alarm-${spec.id}`, {
    alarmName: alarmName({ name: dashboardName }, spec.id),
    alarmDescription: `${spec.description} Runbook: ${runbookLink(spec.id)}`,
    metric: cdkSeries(spec.series),
    threshold: spec.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    comparisonOperator: cdkComparison(spec.comparison),
    treatMissingData: cdkMissingData(spec.treatMissingData),
  });
}
