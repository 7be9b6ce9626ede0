// Typed wrapper of the core's raw RSA public operation (assembly/exports/rsa-public.ts): the attestation
// verifier re-encodes the expected PKCS#1 v1.5 block and compares it with this output in full, because
// Azure's attestation signature (padding over a bare SHA-256) is beyond what WebCrypto verifies.
// Public data only; the I/O region is wiped after the call like every other.
import { ByokError } from '../errors.js';
import { checkStatus, ioFrame, type WasmCore } from './instance.js';
import { checkPublic } from './rsa.js';
import type { CoreApi, RsaPublicKey } from './types.js';
import { expectBytes } from './validate.js';

export function bindRsaPublic(core: WasmCore): Pick<CoreApi, 'rsaPublicRaw'> {
  function rsaPublicRaw(pub: RsaPublicKey, sig: Uint8Array): Uint8Array {
    const key = checkPublic(pub, 'pub');
    expectBytes('sig', sig);
    const k = key.n.length;
    if (sig.length !== k) throw new ByokError('BAD_DATA_LENGTH', `"sig" expected ${k} bytes (the modulus length), got length=${sig.length}`);
    const f = core.exports['rsaPublicRaw'];
    if (typeof f !== 'function') throw new ByokError('CORE_INTERNAL', 'the crypto core has no export "rsaPublicRaw"');
    const frame = ioFrame(core);
    try {
      const n = frame.put(key.n);
      const s = frame.put(sig);
      const out = frame.reserve(k);
      const r = checkStatus((f as (...a: number[]) => number)(n, k, key.e, s, k, out, 0), 'RSA public operation');
      return frame.read(out, r);
    } finally {
      frame.wipe();
    }
  }
  return { rsaPublicRaw };
}
