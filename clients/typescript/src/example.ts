// Calls fpgw from TypeScript: evaluates a token with a deadline, reads the normalised fields, pages
// through a device's history, and reads google.rpc.ErrorInfo / RetryInfo from failed calls.
//
//   npm run build && npm run example -- [ADDRESS]
//
// ADDRESS defaults to $FPGW_ADDRESS, then 127.0.0.1:50051. The channel uses the retry policy and
// per-method timeouts of $FPGW_SERVICE_CONFIG (default: ../service_config.json). The types in
// src/gen come from proto-loader-gen-types (`npm run generate`); the same .proto files are loaded
// at run time by @grpc/proto-loader.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { getProtoPath } from 'google-proto-files';

import type { ProtoGrpcType as FpgwTypes } from './gen/evaluation_service';
import type { ProtoGrpcType as ErrorDetailTypes } from './gen/error_details';
import type { ProtoGrpcType as StatusTypes } from './gen/status';
import type { EvaluationServiceClient } from './gen/fpgw/v1/EvaluationService';
import type { ListDeviceEvaluationsRequest } from './gen/fpgw/v1/ListDeviceEvaluationsRequest';

const clientsDir = path.resolve(__dirname, '..', '..');

// The loader options must match the generator's flags in package.json (camelCase fields,
// enums and 64-bit integers as strings, defaults filled in, oneofs named).
const packageDefinition = protoLoader.loadSync(
  ['fpgw/v1/evaluation_service.proto', 'google/rpc/status.proto', 'google/rpc/error_details.proto'],
  {
    includeDirs: [path.join(clientsDir, '..', 'proto'), getProtoPath('..')],
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  },
);
const proto = grpc.loadPackageDefinition(packageDefinition) as unknown as FpgwTypes &
  StatusTypes &
  ErrorDetailTypes;

function openClient(address: string): EvaluationServiceClient {
  const configPath = process.env.FPGW_SERVICE_CONFIG ?? path.join(clientsDir, 'service_config.json');
  const serviceConfig = JSON.stringify(JSON.parse(fs.readFileSync(configPath, 'utf8')));
  return new proto.fpgw.v1.EvaluationService(address, grpc.credentials.createInsecure(), {
    'grpc.service_config': serviceConfig,
    'grpc.enable_retries': 1,
  });
}

// Turns a callback-style unary call into a promise.
function call<T>(start: (callback: grpc.requestCallback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    start((error, response) => (error ? reject(error) : resolve(response as T))),
  );
}

async function evaluate(client: EvaluationServiceClient, token: string): Promise<void> {
  // The deadline covers fpgw's vendor call too: fpgw derives the vendor timeout from it.
  const deadline = new Date(Date.now() + 2000);
  const response = await call<import('./gen/fpgw/v1/EvaluateResponse').EvaluateResponse__Output>((cb) =>
    client.Evaluate({ token, fingerprint: { rulesetId: 'rs_demo' } }, { deadline }, cb),
  );
  const ev = response.evaluation;
  if (!ev) throw new Error('no evaluation in the response');
  console.log('evaluate.vendor:', ev.source?.vendor);
  console.log('evaluate.api_version:', ev.source?.apiVersion);
  console.log('evaluate.integration:', ev.source?.integration);
  console.log('evaluate.device_id:', ev.identity?.deviceId);
  console.log('evaluate.event_id:', ev.identity?.eventId);
  // `confidence` is optional: undefined means the vendor gave none, which is not 0.
  if (ev.identity?.confidence !== undefined) {
    console.log('evaluate.confidence:', ev.identity.confidence.toFixed(2));
  }
  console.log('evaluate.returning_visitor:', ev.identity?.returningVisitor);
  console.log('evaluate.action:', ev.verdict?.action);
  console.log('evaluate.bot:', ev.signals?.bot?.result);
  console.log('evaluate.vpn:', ev.signals?.vpn?.signal?.detected);
  console.log('evaluate.country_code:', ev.network?.geolocation?.countryCode);
  console.log('evaluate.browser:', ev.client?.browserName, ev.client?.browserMajorVersion);
}

async function history(client: EvaluationServiceClient, device: string): Promise<void> {
  const request: ListDeviceEvaluationsRequest = { device, pageSize: 10 };
  let pages = 0;
  let total = 0;
  let deviceId = '';
  for (;;) {
    // No per-call deadline here: the service config's per-method timeout applies.
    const response = await call<
      import('./gen/fpgw/v1/ListDeviceEvaluationsResponse').ListDeviceEvaluationsResponse__Output
    >((cb) => client.ListDeviceEvaluations(request, cb));
    pages += 1;
    total += response.evaluations.length;
    deviceId = response.deviceId;
    const newest = response.evaluations[0]?.identity?.eventId ?? '-';
    console.log(`history.page: ${pages} ${response.evaluations.length} ${newest}`);
    if (!response.nextPageToken) break;
    request.pageToken = response.nextPageToken; // same request fields, next page
  }
  console.log('history.device_id:', deviceId);
  console.log('history.pages:', pages);
  console.log('history.evaluations:', total);
}

// Reads the canonical code and the google.rpc details fpgw puts in the trailers.
function describeError(label: string, error: grpc.ServiceError): void {
  console.log(`${label}.code:`, grpc.status[error.code]);
  console.log(`${label}.message:`, error.details);
  const [bin] = error.metadata.get('grpc-status-details-bin');
  if (!bin) return;
  const status = proto.google.rpc.Status.deserialize(bin as Buffer);
  for (const detail of status.details) {
    const typeName = detail.type_url.slice(detail.type_url.lastIndexOf('/') + 1);
    if (typeName === 'google.rpc.ErrorInfo') {
      const info = proto.google.rpc.ErrorInfo.deserialize(detail.value);
      console.log(`${label}.reason:`, info.reason);
      console.log(`${label}.domain:`, info.domain);
      console.log(`${label}.vendor_code:`, info.metadata['vendor_code'] ?? '');
    } else if (typeName === 'google.rpc.RetryInfo') {
      const retry = proto.google.rpc.RetryInfo.deserialize(detail.value);
      // Wait at least this long before trying again (the channel already retried briefly).
      const delay = retry.retryDelay;
      const ms = delay ? Number(delay.seconds) * 1000 + Math.round(delay.nanos / 1e6) : 0;
      console.log(`${label}.retry_delay_ms:`, ms);
    }
  }
}

async function expectError(label: string, client: EvaluationServiceClient, token: string): Promise<void> {
  try {
    await call((cb) => client.Evaluate({ token }, cb));
  } catch (error) {
    describeError(label, error as grpc.ServiceError);
    return;
  }
  throw new Error(`${label}: expected an error for token ${token}`);
}

async function main(): Promise<void> {
  const address = process.argv[2] ?? process.env.FPGW_ADDRESS ?? '127.0.0.1:50051';
  const client = openClient(address);
  try {
    await evaluate(client, '1760000000123.demo01');
    await history(client, 'visitorXyz0000000001');
    await expectError('not_found', client, 'sandbox-not-found');
    await expectError('rate_limited', client, 'sandbox-rate-limited');
  } finally {
    client.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
