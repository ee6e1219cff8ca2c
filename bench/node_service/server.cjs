// Scenario (f) of bench/run.sh: the service a team writes when it calls the vendor itself instead
// of through fpgw. Every incoming `GET /<anything>/<event id>` makes one getEvent call through the
// official Fingerprint Server API v4 SDK (@fingerprint/node-sdk) and answers the event as JSON.
//
// The SDK has no base-URL option (only a region, which picks one of the vendor's hosts), but it
// takes a `fetch` implementation: ours keeps the path and query the SDK built and sends them to the
// local stand-in vendor instead, with Node's own fetch (keep-alive). Everything else — the
// request, the key header, status handling and JSON parsing — is the SDK's own code.
//
//   FPGW_BENCH_PORT        port to serve on (127.0.0.1)
//   FPGW_BENCH_UPSTREAM    the stand-in vendor's origin, e.g. http://127.0.0.1:8080
//   FPGW_BENCH_KEY_FILE    file holding the vendor secret key
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const { FingerprintServerApiClient } = require('@fingerprint/node-sdk');

const upstream = new URL(process.env.FPGW_BENCH_UPSTREAM);
const client = new FingerprintServerApiClient({
  apiKey: fs.readFileSync(process.env.FPGW_BENCH_KEY_FILE, 'utf8').trim(),
  fetch: (url, init) => {
    const target = new URL(url);
    target.protocol = upstream.protocol;
    target.host = upstream.host;
    return fetch(target, init);
  },
});

const server = http.createServer(async (req, res) => {
  const eventId = decodeURIComponent(req.url.split('?')[0].split('/').pop() || '');
  try {
    const event = await client.getEvent(eventId);
    const body = JSON.stringify(event);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } catch (e) {
    const status = typeof e.statusCode === 'number' ? e.statusCode : 502;
    res.writeHead(status >= 400 ? status : 502, { 'content-type': 'text/plain' });
    res.end(String(e && e.message));
  }
});
server.keepAliveTimeout = 75000;
server.listen(Number(process.env.FPGW_BENCH_PORT), '127.0.0.1', () => {
  process.stdout.write('listening\n');
});
