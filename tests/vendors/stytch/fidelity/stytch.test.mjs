// stytch (Fraud & Risk device fingerprinting: lookup, rules, verdict reasons) against the sandbox.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as stytch from 'stytch';
import { sandbox } from '../../../fidelity/sandbox.mjs';

const [projectId, secret] = sandbox.credential('stytch.credential').split(/:(.*)/s);
const client = new stytch.Client({ project_id: projectId, secret, fraud_env: `${sandbox.baseUrl}/` });

test('fingerprint lookup returns a verdict the SDK parses', async () => {
  const result = await client.fraud.fingerprint.lookup({
    telemetry_id: '026ac93b-8cdf-4fcb-bfa6-36a31cfecac1',
    external_metadata: { external_id: 'user-1', user_action: 'login' },
  });
  assert.equal(result.status_code, 200);
  assert.equal(result.telemetry_id, '026ac93b-8cdf-4fcb-bfa6-36a31cfecac1');
  assert.ok(['ALLOW', 'CHALLENGE', 'BLOCK'].includes(result.verdict.action));
  assert.equal(typeof result.fingerprints.visitor_fingerprint, 'string');
});

test('rules set and list pages with next_cursor', async () => {
  const set = await client.fraud.rules.set({ action: 'BLOCK', visitor_id: 'visitor-sdk-1', description: 'sdk' });
  assert.equal(set.action, 'BLOCK');
  let cursor;
  let total = 0;
  let pages = 0;
  do {
    const page = await client.fraud.rules.list({ limit: 10, cursor });
    total += page.rules.length;
    cursor = page.next_cursor || undefined;
    pages += 1;
  } while (cursor && pages < 20);
  assert.ok(pages > 1);
  assert.ok(total > 10);
});

test('verdict reason override and list complete', async () => {
  const override = await client.fraud.verdictReasons.override({
    verdict_reason: 'VIRTUAL_MACHINE',
    override_action: 'ALLOW',
    override_description: 'sdk',
  });
  assert.equal(override.verdict_reason_action.verdict_reason, 'VIRTUAL_MACHINE');
  const list = await client.fraud.verdictReasons.list({ overrides_only: false });
  assert.ok(list.verdict_reason_actions.length > 0);
});

test('errors surface as the SDK documents them', async () => {
  await assert.rejects(
    client.fraud.fingerprint.lookup({ telemetry_id: 'sandbox-not-found' }),
    (error) => {
      assert.equal(error.status_code, 404);
      assert.equal(error.error_type, 'telemetry_id_not_found');
      return true;
    },
  );
  const wrong = new stytch.Client({ project_id: projectId, secret: 'wrong', fraud_env: `${sandbox.baseUrl}/` });
  await assert.rejects(wrong.fraud.fingerprint.lookup({ telemetry_id: '026ac93b-8cdf-4fcb-bfa6-36a31cfecac1' }), (error) => {
    assert.equal(error.status_code, 401);
    return true;
  });
});
