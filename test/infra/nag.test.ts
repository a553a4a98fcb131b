import assert from 'node:assert/strict';
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, test } from 'vitest';
import { synthDunwell } from './synth.ts';

// Synthesizing already runs the AwsSolutions plugin: an unacknowledged error would have thrown here.
const { app, templates } = synthDunwell();

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgementsIn(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  test('reports no unacknowledged finding, error or warning', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`),
    );
    assert.deepEqual(findings, []);
    assert.equal(report.success, true);
  });

  test('every acknowledgement matches a real finding on its own construct (none is stale or too broad)', () => {
    // The same checks with acknowledgements ignored: what would be reported without them.
    const unacknowledged = new AwsSolutionsChecks(app);
    Object.defineProperty(unacknowledged, 'isAcknowledged', { value: () => false });
    const raw = unacknowledged
      .validateScope(app)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => ({ id: violation.ruleName, path: resource.constructPath })),
      );
    const acknowledgements = acknowledgementsIn(app).filter((ack) => ack.id.startsWith('AwsSolutions-'));
    assert.ok(acknowledgements.length > 0);
    for (const ack of acknowledgements) {
      assert.ok(
        raw.some((finding) => finding.id === ack.id && (finding.path === ack.path || finding.path?.startsWith(`${ack.path}/`))),
        `${ack.id} acknowledged on ${ack.path} matches a finding there`,
      );
      assert.ok(!/^dunwell-[a-z0-9-]+-(stateful|stateless)$/.test(ack.path), `${ack.id} is not acknowledged for a whole stack`);
    }
  });

  test('every acknowledgement gives a specific reason', () => {
    for (const ack of acknowledgementsIn(app)) {
      assert.ok(ack.reason.length >= 40, `${ack.id} on ${ack.path} explains itself: "${ack.reason}"`);
    }
  });
});

describe('CloudFormation can order the resources', () => {
  // The state machine invokes functions that answer its task tokens: a grant that referenced the
  // machine resource instead of its name-built ARN would close a cycle through their roles.
  for (const [name, template] of Object.entries(templates)) {
    test(`the ${name} stack has no circular dependency`, () => {
      assert.doesNotThrow(() => Template.fromJSON(template.toJSON()));
    });
  }
});
