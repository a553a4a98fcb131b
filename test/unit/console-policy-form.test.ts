import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { policyView } from '#contracts/policy-api.ts';
import { defaultPolicy } from '#domain/policy.ts';
import { policyFormValues } from '#presentation/console/pages/policy-edit.ts';
import { checkPolicyDraft, policyDraft } from '../../functions/console/policy-form.ts';

/** The editor's form for the default policy, without its days (posted one field per ticked day). */
function defaultForm(): Record<string, string> {
  const { 'businessHours.days': _days, ...form } = policyFormValues(policyView(defaultPolicy));
  return form;
}
const weekdays = ['1', '2', '3', '4', '5'];

describe('the policy form as the body of PUT /v1/policies', () => {
  test('the form of a stored policy, posted unchanged, is that policy', () => {
    const draft = policyDraft(defaultForm(), weekdays);
    const checked = checkPolicyDraft('default', draft);
    assert.ok(checked.ok, JSON.stringify(checked));
    assert.deepEqual(policyView({ ...checked.policy, version: defaultPolicy.version }), policyView(defaultPolicy));
    assert.deepEqual((draft.body.businessHours as { days: number[] }).days, [1, 2, 3, 4, 5], 'repeated day fields, as numbers');
    assert.equal(draft.values['businessHours.days'], '1,2,3,4,5');
  });

  test('empty rows, removed steps and tiers without steps are left out; the rest is numbered again', () => {
    const form: Record<string, string> = {
      name: 'Lean',
      'tiers.0.steps.0.stepId': 'a',
      'tiers.0.steps.0.offsetDays': '-2',
      'tiers.0.steps.0.channel': 'email',
      'tiers.0.steps.0.tone': 'friendly',
      'tiers.0.steps.1.stepId': 'gone',
      'tiers.0.steps.1.offsetDays': '1',
      'tiers.0.steps.1.channel': 'email',
      'tiers.0.steps.1.tone': 'firm',
      'tiers.0.steps.1.remove': 'true',
      'tiers.0.steps.2.stepId': 'b',
      'tiers.0.steps.2.offsetDays': '5',
      'tiers.0.steps.2.channel': 'sms',
      'tiers.0.steps.2.tone': 'firm',
      'tiers.0.steps.2.conditions.segments': ' smb, enterprise ,',
      'tiers.0.steps.2.conditions.minBalance.currency': 'EUR',
      'tiers.0.steps.2.conditions.minBalance.amount': '100.50',
      'tiers.0.steps.3.stepId': '',
      'tiers.0.steps.3.offsetDays': '',
      'tiers.1.tier': '2',
      'tiers.1.steps.0.stepId': ' ',
      'tiers.2.steps.0.stepId': 'c',
      'tiers.2.steps.0.offsetDays': '10',
      'tiers.2.steps.0.channel': 'task',
      'tiers.2.steps.0.tone': 'final',
      'tiers.2.steps.0.taskDeadlineDays': '3',
      closedDates: '2026-12-24\n2026-12-31\n',
    };
    const draft = policyDraft(form, []);
    assert.deepEqual(draft.body, {
      name: 'Lean',
      closedDates: ['2026-12-24', '2026-12-31'],
      tiers: [
        {
          tier: 1,
          steps: [
            { stepId: 'a', offsetDays: -2, channel: 'email', tone: 'friendly' },
            {
              stepId: 'b',
              offsetDays: 5,
              channel: 'sms',
              tone: 'firm',
              conditions: { segments: ['smb', 'enterprise'], minBalance: { currency: 'EUR', amount: '100.50' } },
            },
          ],
        },
        { tier: 3, steps: [{ stepId: 'c', offsetDays: 10, channel: 'task', tone: 'final', taskDeadlineDays: 3 }] },
      ],
    });
    assert.equal(draft.values['tiers.0.steps.1.stepId'], 'b', 'shown again where it now is');
    assert.equal(draft.values['tiers.0.steps.2.stepId'], undefined);
    const checked = checkPolicyDraft('lean', draft);
    assert.ok(checked.ok, JSON.stringify(checked));
    assert.deepEqual(checked.policy.tiers[0]?.steps[1]?.conditions?.minBalance, { currency: 'EUR', amountMinor: 10050 });
    assert.deepEqual(checked.policy.closedDates, ['2026-12-24', '2026-12-31']);
  });

  test("the API's errors name the form's fields, the tier and row they were typed in", () => {
    const form: Record<string, string> = {
      ...defaultForm(),
      'frequencyCap.perDay': 'two',
      closedDates: '2026-12-24\n24.12.2026',
      // Tier 2 left empty: tier 3 is the body's second tier, its row 0 the first step.
      ...Object.fromEntries(
        Object.keys(defaultForm())
          .filter((key) => key.startsWith('tiers.1.'))
          .map((key) => [key, '']),
      ),
      'tiers.2.steps.0.offsetDays': '999',
      'tiers.2.steps.1.conditions.segments': `${'x'.repeat(65)}, ok`,
    };
    const checked = checkPolicyDraft('default', policyDraft(form, []));
    assert.ok(!checked.ok);
    const byField = new Map(checked.errors.map((error) => [error.path, error.message]));
    assert.equal(byField.get('frequencyCap.perDay'), 'must be a whole number');
    assert.ok(byField.has('businessHours.days'), 'no day ticked');
    assert.ok(byField.has('closedDates'));
    assert.ok(byField.has('tiers.2.steps.0.offsetDays'));
    assert.ok(byField.has('tiers.2.steps.1.conditions.segments'));
    assert.deepEqual(
      [...byField.keys()].filter((path) => path.startsWith('tiers.1.')),
      [],
    );
  });

  test('rule errors of toPolicy land on fields too: a step id used twice, no tier 1, no step at all', () => {
    const twice = checkPolicyDraft('default', policyDraft({ ...defaultForm(), 'tiers.3.steps.0.stepId': 'pre-3' }, weekdays));
    assert.ok(!twice.ok);
    assert.deepEqual(twice.errors, [
      { path: 'tiers.3.steps.0.stepId', message: 'step id pre-3 is used twice; step ids are unique across tiers' },
    ]);

    const withoutTierOne = Object.fromEntries(Object.entries(defaultForm()).filter(([key]) => !key.startsWith('tiers.0.')));
    const noTierOne = checkPolicyDraft('default', policyDraft(withoutTierOne, weekdays));
    assert.ok(!noTierOne.ok);
    assert.equal(noTierOne.errors[0]?.path, 'tiers.0.steps.0.stepId', "tier 1's row for a new step");
    assert.match(noTierOne.errors[0]?.message ?? '', /tier 1 is required/);

    const noSteps = Object.fromEntries(Object.entries(defaultForm()).filter(([key]) => !key.startsWith('tiers.')));
    const empty = checkPolicyDraft('default', policyDraft(noSteps, weekdays));
    assert.ok(!empty.ok);
    assert.deepEqual(
      empty.errors.map((error) => error.path),
      ['tiers.0.steps.0.stepId'],
    );
  });
});
