// verifyKeyAttestation on attestations made at test time (test/helpers/attestation.ts): every provider,
// layout, signature encoding and key size verifies, and every failure of issue 15's list is caught by the
// check that names it — one test each. node:crypto cross-checks the fixtures themselves (certificate
// signatures, the two signature encodings) so a verdict here never rests on our code alone.
import { X509Certificate, constants, createHash, publicDecrypt, verify as nodeVerify } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { verifyKeyAttestation, type KeyAttestationResult, type VerifyKeyAttestationOptions } from '../../src/attest/index.js';
import { ByokError } from '../../src/errors.js';
import { readKek } from '../../src/kek/index.js';
import {
  KID, KID_PATH, TAG, YEAR, azureAttestation, certificate, chains, ecKey, gcpAttestation, keyAttributes, objectLayout,
  objectRecord, pem, pki, preparePki, rsaKek, spkiOf, spkiPem, testAnchors, testRoots, PARTITION_NAME, CARD_NAME,
  type AttestedKeySpec,
} from '../helpers/attestation.js';

await preparePki();

function run(json: unknown, opts: VerifyKeyAttestationOptions = {}): KeyAttestationResult {
  return verifyKeyAttestation(JSON.stringify(json), { roots: [testRoots()], anchors: testAnchors(), ...opts });
}

const failed = (r: KeyAttestationResult): string[] => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);
const detail = (r: KeyAttestationResult, id: string): string => r.checks.filter((c) => c.id === id).map((c) => `${c.status}: ${c.detail}`).join(' | ');

/** The result fails, and the check `id` is among the failures with a detail matching `why`. */
function expectFailure(r: KeyAttestationResult, id: string, why: RegExp): void {
  expect(r.verified).toBe(false);
  expect(failed(r)).toContain(id);
  expect(r.checks.find((c) => c.id === id && c.status === 'fail')?.detail).toMatch(why);
}

const kekFor = (k: AttestedKeySpec, kid = KID) => readKek(spkiPem(k), { kid });

describe('the fixtures are what they claim (node:crypto)', () => {
  it('certificates chain by signature as intended; the card certificate is X.509 v1', () => {
    const c = chains();
    const x = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, new X509Certificate(v)])) as Record<keyof typeof c, X509Certificate>;
    expect(x.card.verify(x.marvellRoot.publicKey)).toBe(true);
    expect(x.partition.verify(x.card.publicKey)).toBe(true);
    expect(x.msPartition.verify(x.msRoot.publicKey)).toBe(true);
    expect(x.googlePartition.verify(x.googleRoot.publicKey)).toBe(true);
    expect(x.googleCard.verify(x.googleRoot.publicKey)).toBe(true);
    expect(x.partition.publicKey.equals(x.msPartition.publicKey)).toBe(true);
    expect(c.card.subarray(4, 9).toString('hex')).not.toMatch(/^a0/); // no [0] version field inside tbsCertificate
    expect(x.card.toLegacyObject().subject).toBeDefined();
  });

  it('Azure blobs are PKCS#1 v1.5 over the bare SHA-256, which crypto.verify refuses', () => {
    const a = azureAttestation();
    const data = a.private.subarray(0, a.private.length - 256);
    const sig = a.private.subarray(a.private.length - 256);
    const recovered = publicDecrypt({ key: pki().partition.publicKey, padding: constants.RSA_PKCS1_PADDING }, sig);
    expect(recovered.equals(createHash('sha256').update(data).digest())).toBe(true);
    expect(nodeVerify('sha256', data, pki().partition.publicKey, sig)).toBe(false);
  });
});

describe('verifyKeyAttestation: attestations that verify', () => {
  for (const bits of [2048, 3072, 4096] as const) {
    it(`Azure, RSA-${bits} KEK, object layout, bare-SHA-256 signatures: verified and bound to the KEK and the kid`, () => {
      const a = azureAttestation({ key: rsaKek(bits) });
      const r = run(a.json, { kek: kekFor(a.key) });
      expect(failed(r)).toEqual([]);
      expect(r.verified).toBe(true);
      expect(r.provider).toBe('azure');
      expect(r.attestedKey).toMatchObject({ kind: 'rsa', bits });
      expect(r.attestedKey?.spkiSha256).toBe(createHash('sha256').update(spkiOf(a.key)).digest('hex'));
      const ids = r.checks.map((c) => `${c.id}:${c.status}`);
      for (const want of ['marvell-chain:pass', 'owner-chain:pass', 'partition-key:pass', 'owner-root:info', 'certificates:pass', 'validity:pass',
        'signature:private:pass', 'signature:public:pass', 'layout:private:pass', 'layout:public:pass', 'attested-key:pass', 'kcv:pass',
        'key-match:kek:pass', 'key-match:file:pass', 'attributes:pass', 'key-id:pass', 'mode:info']) expect(ids).toContain(want);
      expect(detail(r, 'signature:private')).toMatch(/bare SHA-256/);
      expect(r.mode).toBe('non-FIPS');
      expect(detail(r, 'mode')).toMatch(/for non-FIPS mode/);
      expect(r.objects.find((o) => o.blob === 'private')).toMatchObject({ class: 3, extractable: false, neverExtractable: true, local: true, id: KID_PATH });
      expect(r.manufacturerChain.map((c) => c.role)).toEqual(['marvell-root', 'card', 'partition']);
      expect(r.manufacturerChain[0]).toMatchObject({ anchor: true, validAt: false }); // expired root, trusted by its key
      expect(r.manufacturerChain[1]).toMatchObject({ version: 1 });
      expect(r.ownerChain.map((c) => c.role)).toEqual(['owner-root', 'owner-partition']);
      expect(r.ownerChain[0]?.subject).toContain('CN=t1testpoolhsm');
    });

    it(`Google Cloud KMS import job, RSA-${bits}: response layout, two objects, gzip, DigestInfo: verified and bound to its public key`, () => {
      const g = gcpAttestation({ key: rsaKek(bits) });
      const r = run(g.json, { kek: kekFor(g.key) });
      expect(failed(r)).toEqual([]);
      expect(r.verified).toBe(true);
      expect(r.provider).toBe('gcp');
      expect(r.resource).toContain('importJobs/j');
      expect(detail(r, 'signature:content')).toMatch(/with DigestInfo/);
      expect(detail(r, 'layout:content')).toMatch(/response layout, two objects/);
      for (const id of ['key-match:kek', 'key-match:file', 'partition-key', 'card-key', 'kcv']) expect(detail(r, id)).toMatch(/^pass/);
      expect(r.ownerChain.map((c) => c.role).sort()).toEqual(['owner-card', 'owner-partition', 'owner-root']);
    });
  }

  it('Azure blobs signed with DigestInfo (firmware 3.x) verify too, and say so', () => {
    const r = run(azureAttestation({ encoding: 'digest-info' }).json);
    expect(r.verified).toBe(true);
    expect(detail(r, 'signature:private')).toMatch(/with DigestInfo/);
  });

  it('EC keys: an Azure EC P-384 key and a Google EC P-256 key version (KCV and EKCV checked)', () => {
    const a = azureAttestation({ key: ecKey('P-384') });
    const ra = run(a.json);
    expect(failed(ra)).toEqual([]);
    expect(ra.attestedKey).toMatchObject({ kind: 'ec', curve: 'P-384' });
    expect(detail(ra, 'ekcv')).toMatch(/^pass/);
    expect(detail(ra, 'key-match:file')).toMatch(/^pass.*curve and point/);
    const g = gcpAttestation({ key: ecKey('P-256') });
    const rg = run(g.json);
    expect(failed(rg)).toEqual([]);
    expect(rg.attestedKey).toMatchObject({ kind: 'ec', curve: 'P-256' });
    expect(detail(rg, 'key-match')).toMatch(/^info: no KEK given/);
  });

  it('accepts the KEK in any form readKek reads, and pins the Microsoft owner root when asked', () => {
    const a = azureAttestation();
    const jwk = { kty: 'RSA', n: (a.key as { n: Buffer }).n.toString('base64url'), e: 'AQAB' };
    expect(run(a.json, { kek: jwk }).verified).toBe(true);
    expect(run(a.json, { kek: new TextEncoder().encode(spkiPem(a.key)) }).verified).toBe(true);
    const pinnedOk = run(a.json, { anchors: { ...testAnchors(), microsoft: [pki().msRoot.spkiSha256] } });
    expect(detail(pinnedOk, 'owner-root')).toMatch(/^pass/);
    expectFailure(run(a.json, { anchors: { ...testAnchors(), microsoft: [pki().otherRoot.spkiSha256] } }), 'owner-root', /is NOT the pinned Microsoft owner root/);
  });
});

describe('verifyKeyAttestation: every failure is caught (issue 15)', () => {
  it('wrong root: a chain under a look-alike "Marvell" root is refused by the built-in pins', () => {
    const r = verifyKeyAttestation(JSON.stringify(azureAttestation().json), { roots: [testRoots()] });
    expectFailure(r, 'marvell-chain', /not pinned Marvell roots: "localca\.liquidsecurity\.test"/);
    expectFailure(r, 'signature:private', /no RSA partition key/);
  });

  it('wrong root: a card certificate signed by another key than the pinned root', () => {
    const c = chains({ card: { signer: pki().otherRoot } });
    const r = run(azureAttestation({ bundle: [c.card, c.partition, c.msRoot, c.msPartition] }).json);
    expectFailure(r, 'marvell-chain', /no certificate is signed by the pinned Marvell root/);
  });

  it('an expired certificate', () => {
    const c = chains({ partition: { notBefore: new Date(Date.now() - 3 * YEAR), notAfter: new Date(Date.now() - 1000 * 3600 * 24) } });
    const r = run(azureAttestation({ bundle: [c.card, c.partition, c.msRoot, c.msPartition] }).json);
    expect(failed(r)).toEqual(['validity']);
    expectFailure(r, 'validity', /not valid on .*HSM:TEST0001:PARTN:3/);
  });

  it('a chain that does not link: the partition certificate names the card but another key signed it', () => {
    const c = chains({ partition: { signer: pki().otherPartition } });
    const r = run(azureAttestation({ bundle: [c.card, c.partition, c.msRoot, c.msPartition] }).json);
    expectFailure(r, 'marvell-chain', /no certificate is signed by the card .* \(the chain does not link\)/);
  });

  it("the owner's partition key is not Marvell's partition key", () => {
    const c = chains({ msPartition: { key: pki().otherPartition } });
    const r = run(azureAttestation({ bundle: [c.card, c.partition, c.msRoot, c.msPartition] }).json);
    expect(failed(r)).toEqual(['partition-key']);
    expectFailure(r, 'partition-key', /no owner certificate names Marvell's partition key/);
    const g = chains({ googlePartition: { key: pki().otherPartition } });
    const rg = run(gcpAttestation({ chains: { caviumCerts: [g.card, g.partition], googleCardCerts: [g.googleCard], googlePartitionCerts: [g.googlePartition] } }).json);
    expectFailure(rg, 'partition-key', /no owner certificate names Marvell's partition key/);
  });

  it('a signature off by one bit', () => {
    const r = run(azureAttestation({ privateBlob: (b) => { const x = Buffer.from(b); x[x.length - 100]! ^= 0x08; return x; } }).json);
    expect(failed(r)).toEqual(['signature:private']);
    expectFailure(r, 'signature:private', /does not match the data and the key/);
  });

  it("padding with a wrong byte before the hash (the reference script's blind spot) is refused", () => {
    const a = azureAttestation({ tamper: (em) => { em[em.length - 32 - 5] = 0xfe; } });
    const sig = a.private.subarray(a.private.length - 256);
    const data = a.private.subarray(0, a.private.length - 256);
    // What a last-32-bytes check sees: the hash, so it would pass; node:crypto's full padding check refuses.
    const raw = publicDecrypt({ key: pki().partition.publicKey, padding: constants.RSA_NO_PADDING }, sig);
    expect(raw.subarray(-32).equals(createHash('sha256').update(data).digest())).toBe(true);
    expect(() => publicDecrypt({ key: pki().partition.publicKey, padding: constants.RSA_PKCS1_PADDING }, sig)).toThrow();
    const r = run(a.json);
    expect(failed(r)).toEqual(['signature:private']);
    expectFailure(r, 'signature:private', /ends in the SHA256 of the data but its padding is not .*a check of the last 32 bytes alone would pass it/);
  });

  it('a truncated blob', () => {
    const r = run(azureAttestation({ privateBlob: (b) => b.subarray(0, b.length - 300) }).json);
    expectFailure(r, 'layout:private', /record length \d+ does not fit before the signature/);
    expectFailure(r, 'signature:private', /does not match/);
  });

  it('extra bytes after the blob', () => {
    const r = run(gcpAttestation({ blob: (b) => Buffer.concat([b, Buffer.alloc(4)]) }).json);
    expectFailure(r, 'layout:content', /total size \d+ differs from the blob's \d+ bytes/);
    expectFailure(r, 'signature:content', /signature not valid/);
  });

  it('an attribute count that lies (one more, one fewer), even when the HSM signed it', () => {
    for (const [delta, why] of [[1, /does not fit in the object \(the attribute count is wrong\)/], [-1, /non-zero bytes after the \d+ attributes/]] as const) {
      const r = run(azureAttestation({
        privateData: (k, id) => { const attrs = keyAttributes(k, 3, id); return objectLayout(objectRecord(0x48, attrs, { count: attrs.length + delta })); },
      }).json);
      expect(failed(r)).toContain('layout:private');
      expect(detail(r, 'signature:private')).toMatch(/^pass/); // signed as is: the structure is what is wrong
      expectFailure(r, 'layout:private', why);
    }
  });

  it('the attested modulus is not the KEK', () => {
    const a = azureAttestation();
    const r = run(a.json, { kek: kekFor(rsaKek(2048)) });
    expect(failed(r)).toEqual(['key-match:kek']);
    expectFailure(r, 'key-match:kek', /the KEK given \(RSA-2048\) is NOT the attested key/);
    const f = run(azureAttestation({ fileKey: rsaKek(2048) }).json);
    expectFailure(f, 'key-match:file', /the key the file names .* is NOT the attested key/);
  });

  it("a KCV that does not agree with the key's SubjectPublicKeyInfo", () => {
    const r = run(azureAttestation({ privateAttrs: { [TAG.KCV]: Buffer.from([1, 2, 3]) } }).json);
    expect(failed(r)).toEqual(['kcv']);
    expectFailure(r, 'kcv', /KCV .* is 010203, but the attested key's is/);
  });

  it('EXTRACTABLE=1', () => {
    const r = run(azureAttestation({ privateAttrs: { [TAG.EXTRACTABLE]: Buffer.from([1]) } }).json);
    expect(failed(r)).toEqual(['attributes']);
    expectFailure(r, 'attributes', /EXTRACTABLE=1 \(must be 0\)/);
  });

  it('NEVER_EXTRACTABLE=0', () => {
    const r = run(azureAttestation({ privateAttrs: { [TAG.NEVER_EXTRACTABLE]: Buffer.from([0]) } }).json);
    expect(failed(r)).toEqual(['attributes']);
    expectFailure(r, 'attributes', /NEVER_EXTRACTABLE=0 \(must be 1\)/);
  });

  it("an attested ID that is not the kid's path", () => {
    const other = '/keys/KEKforBYOK/ffffffffffffffffffffffffffffffff';
    const r = run(azureAttestation({ id: other }).json);
    expect(failed(r)).toEqual(['key-id']);
    expectFailure(r, 'key-id', /attested ID "\/keys\/KEKforBYOK\/f{32}" is not the path of the kid/);
    // And a --kek whose kid names another version than the file.
    const a = azureAttestation();
    expectFailure(run(a.json, { kek: kekFor(a.key, KID.replace(/[0-9a-f]{32}$/, 'a'.repeat(32))) }), 'key-id', /is not the path of the kid/);
  });

  it('a gzip bomb is refused before it is inflated', () => {
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024));
    const started = performance.now();
    expect(() => run(gcpAttestation({ compress: () => bomb }).json)).toThrow(/inflates to more than 65536 bytes/);
    expect(performance.now() - started).toBeLessThan(5000);
    try {
      run(gcpAttestation({ compress: () => bomb }).json);
    } catch (e) {
      expect(e).toBeInstanceOf(ByokError);
      expect((e as ByokError).code).toBe('MALFORMED_ATTESTATION');
    }
  });

  it("a Google blob signed in Azure's bare-SHA-256 encoding is not Google's encoding", () => {
    const r = run(gcpAttestation({ encoding: 'bare-sha256' }).json);
    expectFailure(r, 'signature:content', /ends in the SHA256 of the data but its padding is not PKCS#1 v1.5 with DigestInfo/);
  });

  it('a certificate that belongs to neither chain, and a missing owner root', () => {
    const c = chains();
    const stray = certificate({ subject: [[['CN', 'stray']]], issuer: [[['CN', 'stray']]], key: pki().otherRoot, signer: pki().otherRoot, ca: true });
    expectFailure(run(azureAttestation({ bundle: [c.card, c.partition, c.msRoot, c.msPartition, stray] }).json), 'owner-chain', /expected one self-signed Microsoft owner root, found 2/);
    const extra = certificate({ subject: [[['CN', 'extra leaf']]], issuer: PARTITION_NAME, key: pki().otherPartition, signer: pki().otherRoot });
    expectFailure(run(azureAttestation({ bundle: [c.card, c.partition, c.msRoot, c.msPartition, extra] }).json), 'certificates', /belong to neither chain: "extra leaf"/);
    expectFailure(run(azureAttestation({ bundle: [c.card, c.partition, c.msPartition] }).json), 'owner-chain', /found 0/);
  });

  it('a card certificate marked cA=FALSE cannot issue the partition certificate', () => {
    const c = chains({ card: { version: 3, ca: false } });
    const r = run(azureAttestation({ bundle: [c.card, c.partition, c.msRoot, c.msPartition] }).json);
    expectFailure(r, 'marvell-chain', /basicConstraints cA=FALSE but issues a certificate/);
  });

  it("a partition certificate whose issuer name is not the card's subject does not link, whatever signed it", () => {
    const renamed = [...CARD_NAME.slice(0, -1), [['CN', 'HSM:TEST0001, for FIPS mode']]] as const;
    const c = chains({ partition: { issuer: renamed } });
    expectFailure(run(azureAttestation({ bundle: [c.card, c.partition, c.msRoot, c.msPartition] }).json), 'marvell-chain', /does not link/);
  });

  it('the time of the check decides validity (at)', () => {
    const a = azureAttestation();
    expectFailure(run(a.json, { at: new Date(Date.now() + 20 * YEAR) }), 'validity', /not valid on/);
    expect(run(a.json, { at: new Date(Date.now() + YEAR) }).verified).toBe(true);
  });
});

describe('verifyKeyAttestation: certificates as pem helper writes them', () => {
  it('pem() output is read back by node:crypto', () => {
    const c = chains();
    expect(new X509Certificate(pem([c.card])).subject).toContain('HSM:TEST0001');
  });
});
