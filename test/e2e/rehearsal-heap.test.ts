// After a rehearsal — unwrapByok and verifyByok with a test KEK's private key given as bytes (PKCS#8 DER,
// PEM, password-protected PEM, PKCS#12) — no buffer of the JavaScript heap holds the KEK's private values
// (d, p, q, dP, dQ, qInv) or the target's private scalar: every copy our code (or a library it calls)
// made was wiped. Before issue 13 asn1js copied the whole PKCS#8 of the KEK twice (fromBER copies its input unless
// told not to) and the copies were dropped unwiped.
//
// How: node:inspector's Runtime.queryObjects lists every live ArrayBuffer of the heap (the Wasm memory,
// Node's Buffer pool slabs, every typed array's store), and each is searched for windows of the secrets.
// queryObjects collects garbage first, so a copy made and dropped during the rehearsal would be gone
// from the list (its bytes still sitting in freed memory): while the rehearsal runs, every Uint8Array
// made by species creation — slice(), subarray(), map(), filter(), the way asn1js, noble and our own code
// copy bytes — is kept alive, so the scan sees it. Copies made with `new Uint8Array(n)` and set() are not
// kept; those in our code are reviewed to be wiped. JavaScript strings and BigInts (PEM text, the BigInt
// key checks) cannot be wiped and are not scanned: README's security model names them.
import { generateKeyPairSync } from 'node:crypto';
import { Session } from 'node:inspector';
import { describe, expect, it } from 'vitest';
import { readKek } from '../../src/kek/index.js';
import { unwrapByok, verifyByok } from '../../src/transfer/unwrap.js';
import { wrapForAzure } from '../../src/transfer/wrap.js';
import { OPENSSL_AVAILABLE, openssl, passArg, requireOpenssl, tempDir } from '../helpers/openssl.js';

requireOpenssl();

const KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const PASSWORD = 'correct horse battery staple';

const kek = generateKeyPairSync('rsa', { modulusLength: 2048 });
const target = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kekJwk = kek.privateKey.export({ format: 'jwk' });
const targetJwk = target.privateKey.export({ format: 'jwk' });

/** DER export as an owned Uint8Array; node's own Buffer is wiped at once. */
function der(key: typeof kek.privateKey): Uint8Array {
  const b = key.export({ type: 'pkcs8', format: 'der' });
  const out = new Uint8Array(b);
  b.fill(0);
  return out;
}

// The secrets and the probes the scan looks for, in one store it skips. Buffer.from(base64) may land in
// Node's pool, so each temporary is wiped at once.
const store = new Uint8Array(4096);
let used = 0;
function secret(b64u: string | undefined): Uint8Array {
  const tmp = Buffer.from(b64u ?? '', 'base64url');
  const v = store.subarray(used, used + tmp.length);
  v.set(tmp);
  tmp.fill(0);
  used += tmp.length;
  return v;
}
const secrets: [string, Uint8Array][] = [
  ...(['d', 'p', 'q', 'dp', 'dq', 'qi'] as const).map((k): [string, Uint8Array] => [`KEK ${k}`, secret(kekJwk[k])]),
  ['target d', secret(targetJwk.d)],
];

/** 16-byte windows of each secret, big-endian and reversed (little-endian), at three offsets: views into `store`. */
const probes: [string, Uint8Array][] = [];
for (const [name, s] of secrets) {
  const rev = store.subarray(used, used + s.length);
  rev.set(s);
  rev.reverse();
  used += s.length;
  for (const at of [0, (s.length >> 1) - 8, s.length - 16]) {
    probes.push([`${name} @${at}`, s.subarray(at, at + 16)], [`${name} reversed @${at}`, rev.subarray(at, at + 16)]);
  }
}

/** Every live ArrayBuffer of this isolate, through the inspector (after a full garbage collection). */
function liveArrayBuffers(): ArrayBuffer[] {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object): T => {
    let out: T | undefined;
    let err: Error | null = null;
    session.post(method, params, (e, r) => {
      err = e;
      out = r as T;
    });
    if (err !== null) throw err;
    return out as T;
  };
  try {
    const proto = post<{ result: { objectId: string } }>('Runtime.evaluate', { expression: 'ArrayBuffer.prototype' });
    const list = post<{ objects: { objectId: string } }>('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
    const slot = '__byokHeapScan';
    post('Runtime.callFunctionOn', { objectId: list.objects.objectId, functionDeclaration: `function () { globalThis.${slot} = Array.from(this); }` });
    const g = globalThis as unknown as Record<string, ArrayBuffer[] | undefined>;
    const bufs = g[slot] ?? [];
    delete g[slot];
    return bufs;
  } finally {
    session.disconnect();
  }
}

/** Where any probe occurs among the live ArrayBuffers other than the secrets' own store. */
function scan(): string[] {
  const hits: string[] = [];
  for (const ab of liveArrayBuffers()) {
    if (ab === store.buffer) continue;
    const b = Buffer.from(ab);
    for (const [name, p] of probes) if (b.indexOf(p) >= 0) hits.push(`${name} in a buffer of ${ab.byteLength} bytes`);
  }
  return hits;
}

/** Runs f with every species-created Uint8Array kept alive until the returned list is dropped. */
function keepingCopies(f: () => void): Uint8Array[] {
  const kept: Uint8Array[] = [];
  // Species creation calls `new C(length)` (slice, map, filter) or `new C(buffer, offset, length)` (subarray).
  class Kept extends Uint8Array {
    constructor(a: number | ArrayBuffer, offset?: number, length?: number) {
      super(a as ArrayBuffer, offset, length);
      kept.push(this);
    }
  }
  Object.defineProperty(Uint8Array, Symbol.species, {
    configurable: true,
    get(this: unknown) {
      return this === Uint8Array ? Kept : this;
    },
  });
  try {
    f();
  } finally {
    delete (Uint8Array as unknown as Record<symbol, unknown>)[Symbol.species];
  }
  return kept;
}

describe('rehearsal with a test KEK private key: no copy of a private value is left in the heap', () => {
  const kekPublic = readKek({ kty: 'RSA', n: kekJwk.n, e: kekJwk.e, key_ops: ['import'], kid: KID });
  const wrapped = der(target.privateKey);
  const byok = wrapForAzure(kekPublic, wrapped).bytes;
  wrapped.fill(0);

  it('positive control: a dropped, unwiped copy made during the run is found', () => {
    const kekDer = der(kek.privateKey);
    const kept = keepingCopies(() => {
      kekDer.slice(); // dropped at once, as a library's internal copy would be
    });
    kekDer.fill(0);
    expect(kept.length).toBe(1);
    expect(scan()).toContain('KEK d @0 in a buffer of ' + kekDer.length + ' bytes');
    (kept[0] as Uint8Array).fill(0);
    expect(scan()).toEqual([]);
  });

  const inputs: [string, () => Uint8Array, { password?: string }][] = [
    ['PKCS#8 DER', () => der(kek.privateKey), {}],
    ['PKCS#8 PEM', () => new TextEncoder().encode(kek.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), {}],
    ['encrypted PKCS#8 PEM (PBES2, AES-256-CBC)', () => new TextEncoder().encode(kek.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSWORD }) as string), { password: PASSWORD }],
  ];
  if (OPENSSL_AVAILABLE) {
    inputs.push(['PKCS#12 (OpenSSL 3 defaults: PBES2, AES-256-CBC, HMAC-SHA-256 MAC)', () => {
      const t = tempDir();
      try {
        const pem = t.file('kek.pem', kek.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
        return new Uint8Array(openssl(['pkcs12', '-export', '-nocerts', '-inkey', pem, '-passout', passArg(PASSWORD)]));
      } finally {
        t.cleanup();
      }
    }, { password: PASSWORD }]);
  }
  for (const [what, make, read] of inputs) {
    it(`${what}: unwrapByok and verifyByok, then a scan of every live ArrayBuffer`, () => {
      const kekKey = make();
      const targetDer = der(target.privateKey);
      const kept = keepingCopies(() => {
        const material = unwrapByok(byok, kekKey, { read });
        material.fill(0);
        expect(verifyByok(byok, kekKey, targetDer, { read }).match).toBe('exact');
      });
      kekKey.fill(0);
      targetDer.fill(0);
      const hits = scan();
      expect(hits).toEqual([]);
      expect(kept.length).toBeGreaterThan(10); // the run did copy bytes; every copy was wiped
    });
  }
});
