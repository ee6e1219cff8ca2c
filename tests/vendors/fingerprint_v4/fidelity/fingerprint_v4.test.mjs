// @fingerprint/node-sdk (Fingerprint Server API v4) against the sandbox.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FingerprintServerApiClient,
  RequestError,
  TooManyRequestsError,
} from '@fingerprint/node-sdk';
import { sandbox } from '../../../fidelity/sandbox.mjs';

const client = new FingerprintServerApiClient({
  apiKey: sandbox.credential('fingerprint_v4.key'),
  fetch: sandbox.fetchTo('https://api.fpjs.io'),
});

test('getEvent returns a schema-true event the SDK parses', async () => {
  const event = await client.getEvent('1760000000123.sdkV4a', { ruleset_id: 'rs_sdk' });
  assert.equal(event.event_id, '1760000000123.sdkV4a');
  assert.equal(typeof event.timestamp, 'number');
  assert.equal(event.identification.visitor_id.length, 20);
  assert.ok(['allow', 'block'].includes(event.rule_action.type));
});

test('searchEvents pages with pagination_key until the last page', async () => {
  const seen = new Set();
  let pagination_key;
  let pages = 0;
  do {
    const page = await client.searchEvents({ visitor_id: 'visitorSdk0000000001', limit: 10, pagination_key });
    for (const event of page.events) seen.add(event.event_id);
    pagination_key = page.pagination_key;
    pages += 1;
  } while (pagination_key && pages < 10);
  assert.equal(seen.size, 23);
  assert.equal(pages, 3);
});

test('updateEvent and deleteVisitorData complete', async () => {
  await client.updateEvent('1760000000123.sdkV4b', { linked_id: 'account-1', suspect: true, tags: { a: 1 } });
  await client.deleteVisitorData('visitorSdk0000000002');
});

test('errors surface as the SDK documents them', async () => {
  await assert.rejects(client.getEvent('sandbox-not-found'), (error) => {
    assert.ok(error instanceof RequestError);
    assert.equal(error.statusCode, 404);
    assert.equal(error.errorCode, 'event_not_found');
    return true;
  });
  await assert.rejects(client.getEvent('sandbox-rate-limited'), (error) => {
    assert.ok(error instanceof TooManyRequestsError);
    return true;
  });
  const wrongKey = new FingerprintServerApiClient({
    apiKey: 'not-the-key',
    fetch: sandbox.fetchTo('https://api.fpjs.io'),
  });
  await assert.rejects(wrongKey.getEvent('1760000000123.sdkV4c'), (error) => {
    assert.equal(error.statusCode, 403);
    assert.equal(error.errorCode, 'secret_api_key_not_found');
    return true;
  });
});
