/** Operating the site: additional metrics, the dashboard, the alarms (always in us-east-1) and their topic. */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resolveProps } from '../../infra/validate.ts';
import { Shellfront } from '../../infra/shellfront.ts';
import { asArray, buildApp, buildStack, newApp, only, policyStatements, STACK_TIMEOUT } from './helpers.ts';

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
    'elsewhere: the alarms go to a us-east-1 sibling that reads the distribution id this stack writes to SSM there',
    () => {
      const { app, stack } = buildApp({ region: 'eu-west-1', apiDomain: 'api.example.com', alarmEmail: 'oncall@example.com' });
      const main = Template.fromStack(stack);
      main.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      main.resourceCountIs('AWS::CloudWatch::Alarm', 0);
      const monitoring = stack.site.monitoring;
      const alarmsStack = monitoring.alarmsStack!;
      expect(alarmsStack.stackName).toBe('Shellfront-alarms-eu-west-1');
      expect(alarmsStack.region).toBe('us-east-1');
      expect(alarmsStack.dependencies).toContain(stack);
      expect(monitoring.alarms.every((alarm) => Stack.of(alarm) === alarmsStack)).toBe(true);

      // The main stack writes its distribution id to a parameter in us-east-1 (and deletes it with the stack)...
      const name = monitoring.distributionIdParameter!;
      expect(name).toMatch(/^\/shellfront\/Shellfront-Site-Monitoring-[0-9A-F]{8}-eu-west-1\/distribution-id$/);
      const publish = only(main, 'Custom::AWS').Properties;
      const distribution = only(main, 'AWS::CloudFront::Distribution').id;
      // The custom resource's SDK call is JSON joined around the distribution's Ref; Refs read as {'Ref':'Id'}.
      const call = (json: unknown) => {
        const resolved = stack.resolve(json) as string | { 'Fn::Join': [string, unknown[]] };
        if (typeof resolved === 'string') return JSON.parse(resolved);
        const text = resolved['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part).replaceAll('"', "'")));
        return JSON.parse(text.join(''));
      };
      const create = call(publish.Create);
      expect(create).toMatchObject({ service: 'SSM', action: 'PutParameter', region: 'us-east-1' });
      expect(create.parameters).toEqual({ Name: name, Value: `{'Ref':'${distribution}'}`, Type: 'String', Overwrite: true });
      expect(call(publish.Update)).toEqual(create);
      expect(call(publish.Delete)).toMatchObject({ action: 'DeleteParameter', region: 'us-east-1', parameters: { Name: name } });
      const grants = policyStatements(main)
        .map((each) => each.statement)
        .filter((statement) => asArray(statement.Action).some((action: string) => action.startsWith('ssm:')));
      expect(grants.flatMap((statement) => asArray(statement.Action)).sort()).toEqual(['ssm:DeleteParameter', 'ssm:PutParameter']);
      expect(JSON.stringify(grants.map((statement) => statement.Resource))).toContain(`:ssm:us-east-1:`);
      expect(JSON.stringify(grants.map((statement) => statement.Resource))).toContain(`:parameter${name}`);

      // ...and the sibling reads it at deploy time: a parameter of SSM type, whose value is the alarms' dimension.
      const alarms = Template.fromStack(alarmsStack);
      const parameters = Object.entries(alarms.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<String>' })).filter(
        ([id]) => id !== 'BootstrapVersion',
      );
      expect(parameters).toHaveLength(1);
      const [parameterId, parameter] = parameters[0]!;
      expect(parameter.Default).toBe(name);
      const found = Object.values(alarms.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
      expect(found.map((alarm) => alarm.MetricName).sort()).toEqual(['5xxErrorRate', 'LambdaExecutionError', 'LambdaValidationError']);
      for (const alarm of found) {
        expect(alarm.Namespace).toBe('AWS/CloudFront');
        expect(alarm.Dimensions).toEqual(
          expect.arrayContaining([
            { Name: 'Region', Value: 'Global' },
            { Name: 'DistributionId', Value: { Ref: parameterId } },
          ]),
        );
        expect(alarm.AlarmActions).toHaveLength(1);
      }
      alarms.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
      // cdk-nag runs on all three stacks; the synthesized app keeps the deploy order edge, main, alarms.
      const assembly = app.synth();
      expect(assembly.stacks.map((each) => each.stackName)).toEqual([
        'Shellfront-edge-eu-west-1',
        'Shellfront',
        'Shellfront-alarms-eu-west-1',
      ]);
      expect(assembly.getStackByName('Shellfront-alarms-eu-west-1').dependencies.map((each) => each.id)).toContain('Shellfront');
    },
    STACK_TIMEOUT,
  );

  it(
    'two sites in two stacks elsewhere get an alarms stack and a parameter each',
    () => {
      const app = newApp();
      const sites = ['Shop', 'Docs'].map((name) => {
        const stack = new Stack(app, name, { env: { region: 'eu-central-1' } });
        return new Shellfront(stack, 'Site', { apiDomain: 'api.example.com' }).monitoring;
      });
      expect(sites.map((each) => each.alarmsStack!.stackName)).toEqual(['Shop-alarms-eu-central-1', 'Docs-alarms-eu-central-1']);
      expect(new Set(sites.map((each) => each.distributionIdParameter)).size).toBe(2);
      for (const each of sites) Template.fromStack(each.alarmsStack!).resourceCountIs('AWS::CloudWatch::Alarm', 3);
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
