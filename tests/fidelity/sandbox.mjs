// The sandbox that run.sh started for this run, and a fetch that sends an SDK's vendor requests
// to it (the SDKs keep their vendor URLs, the way a downstream team's CI would use the sandbox).
// Shared by every vendor's fidelity folder (tests/vendors/<vendor>/fidelity/); it names no vendor.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const baseUrl = process.env.FPGW_SANDBOX_URL;
const stateDir = process.env.FPGW_SANDBOX_STATE;
if (!baseUrl || !stateDir) throw new Error('run through run.sh: FPGW_SANDBOX_URL/STATE are not set');

export const sandbox = {
  baseUrl,
  // The credential of a sandbox module, from the key file `fpgw sandbox` wrote for it in its
  // state directory (the module's SandboxVendorInfo::credential_file, e.g. "acme.key").
  credential(keyFile) {
    return readFileSync(join(stateDir, keyFile), 'utf8').trim();
  },
  // A fetch that sends requests for `vendorOrigin` to the sandbox.
  fetchTo(vendorOrigin) {
    return (input, init) => {
      const url = typeof input === 'string' ? input : (input.url ?? input.toString());
      return fetch(url.replace(vendorOrigin, baseUrl), init);
    };
  },
};
