// HSM exports wrapped under an AES transport key: AES-KW (RFC 3394, CKM_AES_KEY_WRAP) or AES-KWP
// (RFC 5649, CKM_AES_KEY_WRAP_KWP — and SoftHSM's CKM_AES_KEY_WRAP_PAD, byok-formats.md §3.3). The
// core unwraps (constant time, one generic integrity error); the plaintext is then read as any key.
//
// Mode choice when the caller does not name it: KWP first, then KW. With the right transport key this
// is deterministic, not a guess — a KW blob unwrapped as KWP yields the IV A6A6A6A6…, never KWP's
// A65959A6, and the reverse — so at most one succeeds. Both failing gives one message naming every cause.
import { getCore } from '../core/index.js';
import { ByokError } from '../errors.js';
import { isPrintableText, decodeBase64Text, decodeHexText } from './raw.js';

function unwrapFailed(): ByokError {
  return new ByokError(
    'TRANSPORT_UNWRAP_FAILED',
    'the wrapped key did not unwrap: wrong transport key, wrong wrap mode (AES-KW vs AES-KWP), or a damaged blob',
  );
}

/** The blob's bytes: binary as is, or hex/base64 text decoded (a fresh buffer either way). */
function blobBytes(input: Uint8Array): Uint8Array {
  if (!isPrintableText(input)) return input.slice();
  const text = new TextDecoder().decode(input);
  const out = decodeHexText(text) ?? decodeBase64Text(text);
  if (out === undefined) {
    throw new ByokError('MALFORMED_KEY', 'wrapped: the blob is text but neither hex nor base64; give the binary blob or its hex/base64 form', { path: 'wrapped' });
  }
  return out;
}

export function unwrapTransport(
  input: Uint8Array,
  transportKey: Uint8Array,
  mode: 'kw' | 'kwp' | undefined,
): { plaintext: Uint8Array; wrap: 'kw' | 'kwp' } {
  if (![16, 24, 32].includes(transportKey.length)) {
    throw new ByokError('INVALID_TRANSPORT_KEY', `"transportKey" expected an AES key of 16, 24 or 32 bytes, got length=${transportKey.length}`);
  }
  const blob = blobBytes(input);
  try {
    if (blob.length < 16 || blob.length % 8 !== 0) {
      throw new ByokError('MALFORMED_KEY', `wrapped: a key-wrap blob is a multiple of 8 bytes and at least 16 (KWP) or 24 (KW) bytes, found ${blob.length}`, { path: 'wrapped' });
    }
    const core = getCore();
    const modes: ('kw' | 'kwp')[] = mode === undefined ? ['kwp', 'kw'] : [mode];
    for (const m of modes) {
      if (m === 'kw' && blob.length < 24) continue;
      try {
        const plaintext = m === 'kw' ? core.aesKwUnwrap(transportKey, blob) : core.aesKwpUnwrap(transportKey, blob);
        return { plaintext, wrap: m };
      } catch (e) {
        if (!(e instanceof ByokError) || e.code === 'CORE_NOT_INITIALIZED' || e.code === 'CORE_SELFTEST_FAILED' || e.code === 'CORE_INTERNAL') throw e;
      }
    }
    throw unwrapFailed();
  } finally {
    blob.fill(0);
  }
}
