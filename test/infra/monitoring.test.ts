/** Operating the site: additional metrics, the dashboard, the alarms (us-east-1) and their topic. */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resolveProps } from '../../infra/validate.ts';
import { buildApp, buildStack, STACK_TIMEOUT } from './helpers.ts';

describe('monitoring', () => {
  it(
    'in us-east-1: additional metrics on, a dashboard, and alarms on the 5xx rate and the Lambda@Edge errors',
    () => {
      const { template } = buildStack({ site: { apiDomain: 'api.example.com' } }, 'us-east-1');
      template.hasResourceProperties('AWS::CloudFront::MonitoringSubscription', {
        MonitoringSubscription: { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: 'Enabled' } },
      });
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
      const watched = (alarm: Record<string, any>) => alarm.Metrics?.[0]?.MetricStat?.Metric ?? alarm;
      expect(alarms.map((alarm) => watched(alarm).MetricName).sort()).toEqual([
        '5xxErrorRate',
        'LambdaExecutionError',
        'LambdaValidationError',
      ]);
      for (const alarm of alarms) {
        expect(watched(alarm).Namespace).toBe('AWS/CloudFront');
        expect(JSON.stringify(alarm)).not.toContain('AccountId');
        expect(watched(alarm).Dimensions).toEqual(
          expect.arrayContaining([
            { Name: 'Region', Value: 'Global' },
            { Name: 'DistributionId', Value: expect.anything() },
          ]),
        );
        expect(alarm.TreatMissingData).toBe('notBreaching');
        expect(alarm.AlarmActions).toBeUndefined();
      }
      const dashboard = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
      for (const name of ['Requests', '4xxErrorRate', '5xxErrorRate', 'CacheHitRate', 'LambdaExecutionError', 'LambdaValidationError'])
        expect(dashboard).toContain(name);
      expect(dashboard).toContain('us-east-1');
    },
    STACK_TIMEOUT,
  );

  it(
    'sends the alarms to an email address through an SSL-only topic, and stays cdk-nag clean',
    () => {
      const { app, stack } = buildApp({ region: 'us-east-1', apiDomain: 'api.example.com', alarmEmail: 'oncall@example.com' });
      const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', Match.objectLike({}));
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')))
        expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(() => app.synth()).not.toThrow();
    },
    STACK_TIMEOUT,
  );

  it(
    'elsewhere: the dashboard (showing us-east-1 metrics) but no alarms, with a warning saying why',
    () => {
      const { template, stack } = buildStack({ site: { apiDomain: 'api.example.com' } }, 'eu-west-1');
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
      Annotations.fromStack(stack).hasWarning('/Shellfront/Site/Monitoring', Match.stringLikeRegexp('an alarm must be in its metric'));
    },
    STACK_TIMEOUT,
  );

  it(
    'additional metrics can be turned off; a bad alarm address is refused',
    () => {
      const { template } = buildStack({ site: { additionalMetrics: false } }, 'us-east-1');
      template.resourceCountIs('AWS::CloudFront::MonitoringSubscription', 0);
      expect(() => resolveProps({ alarmEmail: 'oncall' })).toThrow(
        /alarmEmail must be an email address like "oncall@example.com", got "oncall"/,
      );
    },
    STACK_TIMEOUT,
  );
});
