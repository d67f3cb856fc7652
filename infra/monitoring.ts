/**
 * Operating the site: CloudFront's additional metrics, a dashboard (requests, 4xx/5xx rates, cache
 * hit rate, Lambda@Edge errors) and alarms on the 5xx rate and on the function's execution and
 * validation errors, optionally sent to an email address through an SNS topic.
 * CloudFront publishes its metrics in us-east-1 only (namespace AWS/CloudFront, dimensions
 * DistributionId and Region=Global), and an alarm lives in its metric's Region: the alarms are
 * created when the stack is in us-east-1; a dashboard shows us-east-1 metrics from any Region.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
 */
import { Annotations, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { accountUniqueName } from './names.ts';

export const METRICS_REGION = 'us-east-1';

export interface SiteMonitoringProps {
  readonly distribution: cloudfront.IDistribution;
  /** CloudFront's additional distribution metrics (cache hit rate, per-status error rates, origin latency). */
  readonly additionalMetrics: boolean;
  /** Where alarms go; none when undefined. */
  readonly alarmEmail?: string;
}

export class SiteMonitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  /** The alarms (only when the stack is in us-east-1). */
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly topic?: sns.Topic;

  constructor(scope: Construct, id: string, props: SiteMonitoringProps) {
    super(scope, id);
    const distributionId = props.distribution.distributionId;
    if (props.additionalMetrics) {
      new cloudfront.CfnMonitoringSubscription(this, 'AdditionalMetrics', {
        distributionId,
        monitoringSubscription: { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: 'Enabled' } },
      });
    }
    // The dashboard names the Region (it may be elsewhere); an alarm is in us-east-1 itself.
    const metric = (metricName: string, statistic: 'Sum' | 'Average', label: string, inRegion = true) =>
      new cloudwatch.Metric({
        namespace: 'AWS/CloudFront',
        metricName,
        dimensionsMap: { DistributionId: distributionId, Region: 'Global' },
        statistic,
        period: Duration.minutes(1),
        ...(inRegion ? { region: METRICS_REGION } : {}),
        label,
      });
    const requests = metric('Requests', 'Sum', 'Requests');
    const rate4xx = metric('4xxErrorRate', 'Average', '4xx %');
    const rate5xx = metric('5xxErrorRate', 'Average', '5xx %');
    const cacheHits = metric('CacheHitRate', 'Average', 'Cache hit %');
    const executionErrors = metric('LambdaExecutionError', 'Sum', 'Lambda@Edge execution errors');
    const validationErrors = metric('LambdaValidationError', 'Sum', 'Lambda@Edge validation errors');

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: accountUniqueName(this, 255, 'dashboard'),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Requests', left: [requests], width: 12 }),
          new cloudwatch.GraphWidget({ title: 'Error rates (%)', left: [rate4xx, rate5xx], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Cache hit rate (%)', left: [cacheHits], width: 12 }),
          new cloudwatch.GraphWidget({ title: 'Lambda@Edge errors', left: [executionErrors, validationErrors], width: 12 }),
        ],
      ],
    });

    if (Stack.of(this).region !== METRICS_REGION) {
      Annotations.of(this).addWarningV2(
        'shellfront:alarmsNeedUsEast1',
        `CloudFront's metrics live in ${METRICS_REGION} and an alarm must be in its metric's Region, so this stack ` +
          `(${Stack.of(this).region}) gets the dashboard but no alarms: deploy the stack in ${METRICS_REGION} for them (docs/stack.md).`,
      );
      this.alarms = [];
      return;
    }
    const alarm = (id: string, metricToWatch: cloudwatch.Metric, threshold: number, description: string, periods = 1) =>
      new cloudwatch.Alarm(this, id, {
        metric: metric(metricToWatch.metricName, metricToWatch.statistic as 'Sum' | 'Average', metricToWatch.label ?? '', false).with({
          period: Duration.minutes(5),
        }),
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
    this.alarms = [
      alarm('ServerErrorRateAlarm', rate5xx, 5, 'shellfront: 5% or more of viewer requests answered 5xx for 10 minutes', 2),
      alarm('EdgeExecutionErrorAlarm', executionErrors, 1, 'shellfront: the Lambda@Edge function threw or timed out (viewers got 503)'),
      alarm(
        'EdgeValidationErrorAlarm',
        validationErrors,
        1,
        'shellfront: CloudFront rejected a response of the Lambda@Edge function (LambdaValidationError; viewers got 502)',
      ),
    ];
    if (props.alarmEmail) {
      this.topic = new sns.Topic(this, 'AlarmTopic', { enforceSSL: true, displayName: 'shellfront alarms' });
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      for (const each of this.alarms) each.addAlarmAction(new actions.SnsAction(this.topic));
      Validations.of(this.topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key, and the topic carries only alarm state changes.',
      });
    }
  }
}
