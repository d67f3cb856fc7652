/**
 * Operating the site: CloudFront's additional metrics, a dashboard (requests, 4xx/5xx rates, cache
 * hit rate, Lambda@Edge errors) and alarms on the 5xx rate and on the function's execution and
 * validation errors, optionally sent to an email address through an SNS topic.
 * CloudFront publishes its metrics in us-east-1 only (namespace AWS/CloudFront, dimensions
 * DistributionId and Region=Global), and an alarm lives in its metric's Region: a stack in
 * us-east-1 holds its alarms; a stack elsewhere gets a us-east-1 sibling `<stack>-alarms-<region>`
 * for them. A dashboard shows us-east-1 metrics from any Region.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
 */
import { Aws, Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { accountUniqueName } from './names.ts';
import { US_EAST_1, usEast1Sibling } from './sibling-stack.ts';

/** Where CloudFront publishes its metrics, so where its alarms must be. */
export const METRICS_REGION = US_EAST_1;

export interface SiteMonitoringProps {
  readonly distribution: cloudfront.IDistribution;
  /** CloudFront's additional distribution metrics (cache hit rate, per-status error rates, origin latency). */
  readonly additionalMetrics: boolean;
  /** Where alarms go; none when undefined. */
  readonly alarmEmail?: string;
}

export class SiteMonitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  /** The alarms, always in us-east-1: in this stack there, else in `alarmsStack`. */
  readonly alarms: readonly cloudwatch.Alarm[];
  /** The topic the alarms notify, with `alarmEmail`. */
  readonly topic?: sns.Topic;
  /** The us-east-1 stack holding the alarms when this stack is elsewhere. */
  readonly alarmsStack?: Stack;
  /** The us-east-1 SSM parameter this stack writes its distribution id to, when it is elsewhere. */
  readonly distributionIdParameter?: string;

  constructor(scope: Construct, id: string, props: SiteMonitoringProps) {
    super(scope, id);
    const distributionId = props.distribution.distributionId;
    if (props.additionalMetrics) {
      new cloudfront.CfnMonitoringSubscription(this, 'AdditionalMetrics', {
        distributionId,
        monitoringSubscription: { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: 'Enabled' } },
      });
    }
    // The dashboard names the Region: it may be elsewhere.
    const metric = (metricName: string, statistic: 'Sum' | 'Average', label: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/CloudFront',
        metricName,
        dimensionsMap: { DistributionId: distributionId, Region: 'Global' },
        statistic,
        period: Duration.minutes(1),
        region: METRICS_REGION,
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

    const stack = Stack.of(this);
    if (stack.region === METRICS_REGION) {
      ({ alarms: this.alarms, topic: this.topic } = createAlarms(this, distributionId, props.alarmEmail));
      return;
    }
    // Elsewhere the alarms go to a us-east-1 stack that depends on this one. It cannot take the
    // distribution id by a CloudFormation reference (those stay in one Region), so this stack
    // writes it to an SSM parameter in us-east-1 and that stack reads it at deploy time.
    const parameterName = `/shellfront/${Names.uniqueResourceName(this, { maxLength: 180, separator: '-' })}-${stack.region}/distribution-id`;
    const publish = new cr.AwsCustomResource(this, 'PublishDistributionId', {
      onUpdate: {
        service: 'SSM',
        action: 'PutParameter',
        region: METRICS_REGION,
        parameters: { Name: parameterName, Value: distributionId, Type: 'String', Overwrite: true },
        physicalResourceId: cr.PhysicalResourceId.of(parameterName),
      },
      onDelete: {
        service: 'SSM',
        action: 'DeleteParameter',
        region: METRICS_REGION,
        parameters: { Name: parameterName },
        ignoreErrorCodesMatching: 'ParameterNotFound',
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({
        resources: [`arn:${Aws.PARTITION}:ssm:${METRICS_REGION}:${Aws.ACCOUNT_ID}:parameter${parameterName}`],
      }),
      installLatestAwsSdk: false,
    });
    // CDK's one provider function for AwsCustomResource in this stack: its role gets the basic
    // logging policy, and this resource's own statements are limited to the one parameter.
    Validations.of(publish.grantPrincipal as unknown as Construct).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's AwsCustomResource provider writes its logs with AWSLambdaBasicExecutionRole; its SSM rights are scoped to the one distribution-id parameter.",
    });
    this.distributionIdParameter = parameterName;
    this.alarmsStack = usEast1Sibling(
      this,
      `${stack.stackName}-alarms-${stack.region}`,
      `shellfront: the CloudWatch alarms of ${stack.stackName} (${stack.region}), in us-east-1 with CloudFront's metrics`,
    );
    this.alarmsStack.addStackDependency(stack, 'the alarms read the distribution id this stack publishes');
    const alarmsScope = new Construct(this.alarmsStack, Names.uniqueId(this));
    const importedId = ssm.StringParameter.valueForStringParameter(alarmsScope, parameterName);
    ({ alarms: this.alarms, topic: this.topic } = createAlarms(alarmsScope, importedId, props.alarmEmail));
  }
}

/**
 * The three alarms, in `scope` (which must be in us-east-1, where CloudFront's metrics are), and,
 * with an address, the SSL-only topic that mails them.
 */
function createAlarms(
  scope: Construct,
  distributionId: string,
  alarmEmail: string | undefined,
): { alarms: cloudwatch.Alarm[]; topic?: sns.Topic } {
  const alarm = (id: string, metricName: string, statistic: 'Sum' | 'Average', threshold: number, description: string, periods = 1) =>
    new cloudwatch.Alarm(scope, id, {
      metric: new cloudwatch.Metric({
        namespace: 'AWS/CloudFront',
        metricName,
        dimensionsMap: { DistributionId: distributionId, Region: 'Global' },
        statistic,
        period: Duration.minutes(5),
      }),
      threshold,
      evaluationPeriods: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
  const alarms = [
    alarm('ServerErrorRateAlarm', '5xxErrorRate', 'Average', 5, 'shellfront: 5% or more of viewer requests answered 5xx for 10 minutes', 2),
    alarm(
      'EdgeExecutionErrorAlarm',
      'LambdaExecutionError',
      'Sum',
      1,
      'shellfront: the Lambda@Edge function threw or timed out (viewers got 503)',
    ),
    alarm(
      'EdgeValidationErrorAlarm',
      'LambdaValidationError',
      'Sum',
      1,
      'shellfront: CloudFront rejected a response of the Lambda@Edge function (LambdaValidationError; viewers got 502)',
    ),
  ];
  if (!alarmEmail) return { alarms };
  const topic = new sns.Topic(scope, 'AlarmTopic', { enforceSSL: true, displayName: 'shellfront alarms' });
  topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
  for (const each of alarms) each.addAlarmAction(new actions.SnsAction(topic));
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key, and the topic carries only alarm state changes.',
  });
  return { alarms, topic };
}
