import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag AwsSolutions finding on one construct (and its children only).
 * Keep `scope` as narrow as the finding: a role, a route, a queue — never a stack.
 */
export function acknowledgeNag(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
}

/**
 * Acknowledges an IAM5 wildcard finding for exactly one resource ARN, so the acknowledgement
 * cannot silently cover a broader wildcard added later.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  acknowledgeNag(scope, `IAM5[Resource::${nagFindingText(Stack.of(scope).resolve(resourceArn))}]`, reason);
}

/** Acknowledges an IAM5 finding for a wildcard action such as `xray:*` style prefixes. */
export function acknowledgeWildcardAction(scope: IConstruct, action: string, reason: string): void {
  acknowledgeNag(scope, `IAM5[Action::${action}]`, reason);
}

/**
 * How cdk-nag spells a CloudFormation value in a finding id: `Ref` and `Fn::GetAtt` become
 * `<Name>` / `<Name.Attr>`, `Fn::Join` is joined, `${X}` in `Fn::Sub` becomes `<X>`.
 * Mirrors cdk-nag's (unexported) flattenCfnReference.
 */
function nagFindingText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
      return items.map(nagFindingText).join(delimiter);
    }
    if (node['Fn::Sub'] !== undefined) return nagFindingText(node['Fn::Sub']);
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${nagFindingText(resource)}.${nagFindingText(attribute)}>`;
    }
    if (node['Fn::ImportValue'] !== undefined) return nagFindingText(node['Fn::ImportValue']);
    if (node.Ref !== undefined) return `<${nagFindingText(node.Ref)}>`;
  }
  return JSON.stringify(value);
}
