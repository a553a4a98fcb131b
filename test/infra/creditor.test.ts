import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { EnvName, FunctionName } from '#contracts/functions.ts';
import { functionLogicalId, resourcesOf, synthDunwell, variablesOfResource } from './synth.ts';

const speaking = [FunctionName.payPage, FunctionName.advance] as const;

function variables(dunwell: Record<string, unknown> = {}) {
  const stateless = synthDunwell(dunwell).templates.stateless;
  return (name: FunctionName) => variablesOfResource(resourcesOf(stateless)[functionLogicalId(stateless, name)]);
}

describe('who is asking reaches the functions that speak to customers', () => {
  test('the creditor from cdk.json; the contact defaults to the sender address', () => {
    const of = variables();
    for (const name of speaking) {
      assert.equal(of(name)[EnvName.creditorName], 'Example Trading Ltd', name);
      assert.equal(of(name)[EnvName.creditorContact], 'billing@example.com', name);
    }
    // Only those: the others never see it.
    for (const name of [FunctionName.wake, FunctionName.invoicesApi, FunctionName.tasksApi]) {
      assert.equal(of(name)[EnvName.creditorName], undefined, name);
    }
  });

  test('a configured contact is passed as it is', () => {
    const of = variables({ creditorName: 'Acme Supplies Ltd', creditorContact: 'https://acme.example/billing' });
    for (const name of speaking) {
      assert.equal(of(name)[EnvName.creditorName], 'Acme Supplies Ltd');
      assert.equal(of(name)[EnvName.creditorContact], 'https://acme.example/billing');
    }
  });
});
