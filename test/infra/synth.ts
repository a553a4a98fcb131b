import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import type { FunctionName } from '#contracts/functions.ts';
import { createDunwellApp } from '../../infra/app.ts';

/** The context in cdk.json (feature flags and deploy config): tests synthesize what `npm run synth` would. */
export const cdkJsonContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<
  string,
  unknown
> & { dunwell: Record<string, unknown> };

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy?: string;
}

/**
 * Builds the app once, without esbuild bundling and without CDK_DEFAULT_* from the machine,
 * and returns both stack templates. Synthesis runs the cdk-nag plugin (an unacknowledged
 * error throws) and Template.fromStack rejects templates with dependency cycles.
 */
export function synthDunwell(dunwell: Record<string, unknown> = {}) {
  const built = createDunwellApp(
    {
      context: {
        ...cdkJsonContext,
        dunwell: { ...cdkJsonContext.dunwell, ...dunwell },
        'aws:cdk:bundling-stacks': [],
      },
    },
    {},
  );
  const stateful = Template.fromStack(built.stateful);
  const stateless = Template.fromStack(built.stateless);
  return { ...built, templates: { stateful, stateless } };
}

export function resourcesOf(template: Template, type?: string): Record<string, CfnResource> {
  const all = template.toJSON().Resources as Record<string, CfnResource>;
  if (!type) return all;
  return Object.fromEntries(Object.entries(all).filter(([, resource]) => resource.Type === type));
}

/** Logical id of a catalogue function's AWS::Lambda::Function. */
export function functionLogicalId(template: Template, name: FunctionName, namePrefix = 'dunwell-dev'): string {
  const match = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(
    ([, resource]) => resource.Properties?.FunctionName === `${namePrefix}-${name}`,
  );
  if (!match) throw new Error(`No Lambda function named ${namePrefix}-${name}`);
  return match[0];
}

export interface Grant {
  readonly action: string;
  /** The resource as CloudFormation JSON (strings stay strings). */
  readonly resource: unknown;
  readonly condition: unknown;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every (action, resource) an IAM role is allowed through the AWS::IAM::Policy resources attached to it. */
export function grantsOfRole(template: Template, roleLogicalId: string): Grant[] {
  const grants: Grant[] = [];
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const roles = asArray(policy.Properties?.Roles as unknown[]);
    if (!roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }))) continue;
    for (const statement of statementsOf(policy)) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of asArray(statement.Action as string | string[])) {
        for (const resource of asArray(statement.Resource)) grants.push({ action, resource, condition: statement.Condition });
      }
    }
  }
  return grants;
}

/** The role logical id of a catalogue function. */
export function roleOfFunction(template: Template, name: FunctionName): string {
  const fn = resourcesOf(template)[functionLogicalId(template, name)];
  const role = fn?.Properties?.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

/** The statements of a policy document property (IAM, queue, topic, bucket or trust policy). */
export function statementsOf(resource: CfnResource | undefined, property = 'PolicyDocument'): Record<string, unknown>[] {
  const document = resource?.Properties?.[property] as { Statement?: Record<string, unknown>[] } | undefined;
  return document?.Statement ?? [];
}

/** A Lambda function resource's environment variables. */
export function variablesOfResource(resource: CfnResource | undefined): Record<string, unknown> {
  const environment = resource?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}

/**
 * What an `Fn::ImportValue` in a consuming stack's template stands for: the value of the
 * producing stack's output with that export name (a `Ref` or `Fn::GetAtt` there).
 */
export function importedValue(producer: Template, value: unknown): unknown {
  const exportName = (value as { 'Fn::ImportValue'?: unknown } | undefined)?.['Fn::ImportValue'];
  if (typeof exportName !== 'string') throw new Error(`Not an import of another stack's export: ${cfnText(value)}`);
  const outputs = (producer.toJSON().Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name?: unknown } }>;
  const output = Object.values(outputs).find((candidate) => candidate.Export?.Name === exportName);
  if (!output) throw new Error(`No output exports ${exportName}`);
  return output.Value;
}

/** The logical id of the one resource of a type in a template. */
export function onlyResourceOf(template: Template, type: string): string {
  const ids = Object.keys(resourcesOf(template, type));
  if (ids.length !== 1) throw new Error(`Expected one ${type}, found ${ids.length}`);
  return ids[0] as string;
}

/** The logical id of the one resource of a type whose id starts with `prefix` (the construct that made it). */
export function resourceNamed(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(resourcesOf(template, type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`Expected one ${type} named ${prefix}…, found ${ids.length}`);
  return ids[0] as string;
}

/** Renders a CloudFormation value as text, so tests can match `Ref`s and literals alike. */
export const cfnText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
