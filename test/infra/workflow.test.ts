import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, test } from 'vitest';
import { DUNNING_STATE_MACHINE_FILE, dunningDefinitionSubstitutions, type FunctionName } from '#contracts/functions.ts';
import { cfnText, functionLogicalId, grantsOfRole, resourcesOf, synthDunwell } from './synth.ts';

const { templates } = synthDunwell();
const template = templates.stateless;

const [machineId, machine] = Object.entries(resourcesOf(template, 'AWS::StepFunctions::StateMachine'))[0] ?? [];
const props = machine?.Properties ?? {};
const aslText = readFileSync(new URL(`../../${DUNNING_STATE_MACHINE_FILE}`, import.meta.url), 'utf8');

describe('dunning state machine', () => {
  test('there is exactly one, and it is a Standard workflow', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    assert.ok(machineId);
    assert.equal(props.StateMachineType, 'STANDARD');
  });

  test('it logs ALL events with execution data to a log group with retention, and traces', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } }],
      },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/states/dunwell-dev-invoice-dunning',
      RetentionInDays: Match.anyValue(),
    });
  });

  test('the definition is the ASL file itself', () => {
    // fromFile stages the file as an asset; the template points at it instead of inlining it.
    assert.ok(props.DefinitionS3Location, 'DefinitionS3Location is set');
    assert.equal(props.DefinitionString, undefined);
  });
});

describe('ASL substitutions', () => {
  const tokens = new Set([...aslText.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]));
  const substitutions = (props.DefinitionSubstitutions ?? {}) as Record<string, unknown>;

  test('the ASL file uses at least one token', () => {
    assert.ok(tokens.size > 0);
  });

  test('every token in the ASL has a substitution', () => {
    for (const token of tokens) assert.ok(token !== undefined && token in substitutions, `\${${token}} is substituted`);
  });

  test('every substitution is used by the ASL', () => {
    for (const key of Object.keys(substitutions)) assert.ok(tokens.has(key), `${key} appears in the ASL`);
  });

  test('the contract and the template agree on the substitution keys', () => {
    assert.deepEqual(Object.keys(substitutions).sort(), Object.keys(dunningDefinitionSubstitutions).sort());
  });

  for (const [token, name] of Object.entries(dunningDefinitionSubstitutions) as [string, FunctionName][]) {
    test(`\${${token}} is the ARN of the ${name} function`, () => {
      assert.deepEqual(substitutions[token], { 'Fn::GetAtt': [functionLogicalId(template, name), 'Arn'] });
    });
  }
});

describe('state machine permissions', () => {
  const role = (props.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const grants = grantsOfRole(template, role);

  test('it may invoke exactly the task functions, unqualified', () => {
    const invoked = grants.filter((grant) => grant.action === 'lambda:InvokeFunction').map((grant) => cfnText(grant.resource));
    const expected = [...new Set(Object.values(dunningDefinitionSubstitutions))].map((name) =>
      cfnText({ 'Fn::GetAtt': [functionLogicalId(template, name), 'Arn'] }),
    );
    assert.deepEqual(invoked.sort(), expected.sort());
  });

  test('it has no other data-plane access', () => {
    const unexpected = grants.filter((grant) => !/^(lambda:InvokeFunction|logs:|xray:)/.test(grant.action));
    assert.deepEqual(unexpected, []);
  });
});
