// @fingerprintjs/fingerprintjs-pro-server-api (Fingerprint Server API v3) against the sandbox.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FingerprintJsServerApiClient,
  RequestError,
  TooManyRequestsError,
} from '@fingerprintjs/fingerprintjs-pro-server-api';
import { sandbox } from '../../../fidelity/sandbox.mjs';

const client = new FingerprintJsServerApiClient({
  apiKey: sandbox.credential('fingerprint_v3.key'),
  fetch: sandbox.fetchTo('https://api.fpjs.io'),
});

test('getEvent returns products the SDK parses', async () => {
  const event = await client.getEvent('1760000000123.sdkV3a');
  assert.equal(event.products.identification.data.requestId, '1760000000123.sdkV3a');
  assert.equal(typeof event.products.identification.data.visitorId, 'string');
  assert.ok(['notDetected', 'good', 'bad'].includes(event.products.botd.data.bot.result));
});

test('searchEvents and getVisits page with their pagination keys', async () => {
  const page = await client.searchEvents({ visitor_id: 'visitorSdkV300000001', limit: 10 });
  assert.ok(page.events.length > 0);
  assert.ok(page.paginationKey);
  const next = await client.searchEvents({
    visitor_id: 'visitorSdkV300000001',
    limit: 10,
    pagination_key: page.paginationKey,
  });
  assert.ok(next.events.length > 0);
  const visits = await client.getVisits('visitorSdkV300000001', { limit: 1 });
  assert.equal(visits.visitorId, 'visitorSdkV300000001');
  assert.ok(visits.visits.length <= 1);
});

test('updateEvent, deleteVisitorData and getRelatedVisitors complete', async () => {
  await client.updateEvent({ linkedId: 'account-1', suspect: true, tag: { a: 1 } }, '1760000000123.sdkV3b');
  await client.deleteVisitorData('visitorSdkV300000002');
  const related = await client.getRelatedVisitors({ visitor_id: 'visitorSdkV300000003' });
  assert.ok(Array.isArray(related.relatedVisitors));
});

test('errors surface as the SDK documents them', async () => {
  await assert.rejects(client.getEvent('sandbox-not-found'), (error) => {
    assert.ok(error instanceof RequestError);
    assert.equal(error.statusCode, 404);
    return true;
  });
  await assert.rejects(client.getEvent('sandbox-rate-limited-7'), (error) => {
    assert.ok(error instanceof TooManyRequestsError);
    assert.equal(error.retryAfter, 7);
    return true;
  });
  const wrongKey = new FingerprintJsServerApiClient({
    apiKey: 'not-the-key',
    fetch: sandbox.fetchTo('https://api.fpjs.io'),
  });
  await assert.rejects(wrongKey.getEvent('1760000000123.sdkV3c'), (error) => {
    assert.equal(error.statusCode, 403);
    return true;
  });
});
