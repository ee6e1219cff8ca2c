// The sandbox that run.sh started for this run, and a fetch that sends an SDK's vendor requests
// to it (the SDKs keep their vendor URLs, the way a downstream team's CI would use the sandbox).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const baseUrl = process.env.FPGW_SANDBOX_URL;
const stateDir = process.env.FPGW_SANDBOX_STATE;
if (!baseUrl || !stateDir) throw new Error('run through run.sh: FPGW_SANDBOX_URL/STATE are not set');

const read = (name) => readFileSync(join(stateDir, name), 'utf8').trim();

export const sandbox = {
  baseUrl,
  fingerprintV4Key: read('fingerprint_v4.key'),
  fingerprintV3Key: read('fingerprint_v3.key'),
  // "project_id:secret"
  stytchCredential: read('stytch.credential'),
  // A fetch that sends requests for `vendorOrigin` to the sandbox.
  fetchTo(vendorOrigin) {
    return (input, init) => {
      const url = typeof input === 'string' ? input : (input.url ?? input.toString());
      return fetch(url.replace(vendorOrigin, baseUrl), init);
    };
  },
};
