import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { LocalServer } from '../support/local-server.ts';

const main = join(import.meta.dirname, '../../simulator/main.ts');

/** `npm run simulate -- …` (node simulator/main.ts), with no DUNWELL_API_TOKEN: a local instance gives its token. */
async function simulate(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const { DUNWELL_API_TOKEN: _token, ...env } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [main, ...argv], { env, encoding: 'utf8' });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { status: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The simulator reads a stored policy through the API of a running instance (`--api`). */
describe('simulator: --api=<url> --policy=<stored id>', () => {
  let server: LocalServer;
  let dir: string;
  beforeAll(async () => {
    server = await LocalServer.start({ clockStart: '2026-11-02T00:00:00Z' });
    dir = mkdtempSync(join(tmpdir(), 'simulator-stored-'));
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const body = {
    name: 'SMS early',
    frequencyCap: { perDay: 1, perWeek: 2 },
    tiers: [
      {
        tier: 1,
        steps: [
          { stepId: 'sms-pre-2', offsetDays: -2, channel: 'sms', tone: 'friendly' },
          { stepId: 'post-5', offsetDays: 5, channel: 'email', tone: 'firm' },
          { stepId: 'call-15', offsetDays: 15, channel: 'task', tone: 'firm', taskDeadlineDays: 4 },
        ],
      },
    ],
  };

  test('the stored policy is simulated under its id, with the KPIs of the same body as a file', async () => {
    // Two versions: the simulator reads the latest.
    assert.equal((await server.api('PUT', '/v1/policies/sms-early', { ...body, name: 'SMS early (draft)' })).status, 201);
    const published = await server.api('PUT', '/v1/policies/sms-early', body);
    assert.equal(published.status, 200, JSON.stringify(published.body));
    assert.equal(published.body.version, 2);

    const common = ['--policy=default', '--invoices=200', '--days=60', '--json'];
    const stored = await simulate(`--api=${server.url}`, '--policy=sms-early', ...common);
    assert.equal(stored.status, 0, stored.stderr);
    const file = join(dir, 'sms-early.json');
    writeFileSync(file, JSON.stringify(body));
    const fromFile = await simulate(`--policy=${file}`, ...common);
    assert.equal(fromFile.status, 0, fromFile.stderr);

    const storedReport = JSON.parse(stored.stdout);
    const fileReport = JSON.parse(fromFile.stdout);
    assert.deepEqual(
      storedReport.policies.map((entry: { policy: string }) => entry.policy),
      ['sms-early', 'default'],
    );
    assert.deepEqual(storedReport.policies[0].kpis, fileReport.policies[0].kpis, 'the same policy');
    assert.deepEqual(storedReport.policies[1].kpis, fileReport.policies[1].kpis);
    assert.notDeepEqual(storedReport.policies[0].kpis, storedReport.policies[1].kpis, 'not the default by mistake');
  });

  test('an id with no policy: exit code 2, the id and the API on stderr, nothing simulated', async () => {
    const missing = await simulate(`--api=${server.url}`, '--policy=no-such-policy', '--invoices=20', '--days=10', '--json');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^simulate: --policy=no-such-policy \(from http:\/\/[^)]+\): no policy no-such-policy there \(404/);
    assert.ok(missing.stderr.includes(server.url), missing.stderr);
    assert.doesNotMatch(missing.stderr, /% of/);
    assert.equal(missing.stdout, '');
  });
});
