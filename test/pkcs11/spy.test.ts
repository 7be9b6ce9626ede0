// The key never leaves the token in clear, shown from the outside: `byok batch` runs through OpenSC's
// pkcs11-spy (Debian opensc-pkcs11; PKCS11SPY = SoftHSM), which logs every PKCS#11 call with its
// arguments, and the test asserts on that log:
// - sessions are read-only (CKF_SERIAL_SESSION only), every object created or generated is a session
//   object (CKA_TOKEN False) and is destroyed again; the token's objects are the same before and after;
// - no C_GetAttributeValue ever asks for CKA_VALUE;
// - C_WrapKey wraps a target only under an ephemeral AES key generated in the token (sensitive), an
//   ephemeral key only under the KEK's public key object, and otherwise only the known-answer test's
//   own known values;
// - a token whose PIN is wrong is asked once, not once per row (a retry counts towards a lockout);
// - Ctrl-C (SIGINT) while waiting at a PIN prompt destroys the session objects and closes the sessions
//   before the process exits with 130.
// The spy logs the PIN it sees; these are test PINs in a temporary folder.
import { spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAEP_KAT_KEY_PKCS8_BASE64 } from '../../src/pkcs11/kat-key.js';
import { CLI, requireBuiltCli, tempDir } from '../helpers/cli.js';
import { createSoftHsmLab, softHsmUsable, type SoftHsm, type SoftHsmLab } from '../helpers/softhsm.js';
import { runOnPty, ptyUsable } from '../helpers/pty.js';
import { requireTool } from '../helpers/tools.js';

const KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const SPY_CANDIDATES = ['/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so', '/usr/lib/aarch64-linux-gnu/pkcs11/pkcs11-spy.so', '/usr/lib/pkcs11/pkcs11-spy.so', '/usr/lib64/pkcs11/pkcs11-spy.so'];
const SPY = SPY_CANDIDATES.find((p) => existsSync(p));
const HAVE = requireTool('SoftHSM 2 with pkcs11js, and OpenSC pkcs11-spy', softHsmUsable() && SPY !== undefined, 'apt-get install softhsm2 opensc-pkcs11');

interface Call {
  readonly n: number;
  readonly name: string;
  readonly text: string;
}

/** The spy's log as calls: "N: C_Name", then its [in]/[out] lines, up to "Returned:". */
function parseSpyLog(log: string): Call[] {
  const parts = log.split(/^(?=\d+: C_\w+\s*$)/m).slice(1);
  return parts.map((p) => {
    const m = /^(\d+): (C_\w+)/.exec(p)!;
    return { n: Number(m[1]), name: m[2]!, text: p };
  });
}

const field = (c: Call, re: RegExp): string | undefined => re.exec(c.text)?.[1];

/** How the spy prints the first bytes of the OAEP known-answer test key's modulus ("9C AA 84 C6"). */
const KAT_MODULUS_START = Buffer.from(createPrivateKey({ key: Buffer.from(OAEP_KAT_KEY_PKCS8_BASE64, 'base64'), format: 'der', type: 'pkcs8' })
  .export({ format: 'jwk' }).n!, 'base64url').subarray(0, 4).toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1 ');
const isKatKey = (c: Call): boolean => c.text.includes(KAT_MODULUS_START);

describe.skipIf(!HAVE)('the call log of byok through pkcs11-spy', () => {
  let lab: SoftHsmLab;
  let src: SoftHsm;
  let tmp: ReturnType<typeof tempDir>;
  let mod: string;
  let env: Record<string, string>;
  const kekPub = (): string => tmp.path('kek.pem');

  beforeAll(() => {
    requireBuiltCli();
    lab = createSoftHsmLab(['byok-src', 'byok-recv']);
    src = lab.token('byok-src');
    tmp = tempDir('byok-spy-');
    mod = `module-path=${SPY}`;
    env = { SOFTHSM2_CONF: lab.conf, PKCS11SPY: lab.library };
    writeFileSync(tmp.path('pin'), '1234\n');
    writeFileSync(tmp.path('wrong-pin'), '0000\n');
    writeFileSync(kekPub(), generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
    src.generateRsa('rsa-1', 2048, { id: Buffer.from([1]) });
    for (let i = 0; i < 3; i++) src.generateAes(`aes-${i}`, 256, { id: Buffer.from([0x10 + i]) });
  }, 120_000);

  afterAll(() => {
    lab?.close();
    tmp?.cleanup();
  });

  it('a batch: read-only sessions, session objects only and all destroyed, no CKA_VALUE read, each C_WrapKey what it must be, one login per token', () => {
    const before = src.tokenObjects();
    const log = tmp.path('batch.log');
    const u = (token: string, object: string, pin: string): string => `"pkcs11:token=${token};object=${object}?${mod}&pin-source=file:${tmp.path(pin)}"`;
    writeFileSync(tmp.path('m.csv'), [
      'name,key', `r1,${u('byok-src', 'rsa-1', 'pin')}`, ...[0, 1, 2].map((i) => `a${i},${u('byok-src', `aes-${i}`, 'pin')}`),
      `w1,${u('byok-recv', 'x', 'wrong-pin')}`, `w2,${u('byok-recv', 'y', 'wrong-pin')}`, `w3,${u('byok-recv', 'z', 'wrong-pin')}`, '',
    ].join('\n'));
    const r = spawnSync(process.execPath, [CLI, 'batch', '--kek', kekPub(), '--kid', KID, '--manifest', tmp.path('m.csv'), '--out-dir', tmp.path('out'), '--allow-zero-padded-kwp', '--json'], {
      encoding: 'utf8', env: { ...process.env, ...env, PKCS11SPY_OUTPUT: log },
    });
    expect(r.status).toBe(1); // the three wrong-PIN rows
    const res = JSON.parse(r.stdout) as { counts: Record<string, number>; failures: { name: string; error: { code: string } }[] };
    expect(res.counts).toMatchObject({ wrapped: 4, failed: 3 });
    expect(res.failures.map((f) => f.error.code)).toEqual(['PKCS11_PIN_INCORRECT', 'PKCS11_PIN_INCORRECT', 'PKCS11_PIN_INCORRECT']);

    const calls = parseSpyLog(readFileSync(log, 'utf8'));
    const named = (name: string): Call[] => calls.filter((c) => c.name === name);
    expect(calls.length).toBeGreaterThan(40);

    // sessions: read-only
    const opens = named('C_OpenSession');
    expect(opens.length).toBe(2); // one per token
    for (const c of opens) expect(field(c, /\[in\] flags = (0x[0-9a-f]+)/)).toBe('0x4');

    // objects: created and generated ones are session objects, every one destroyed
    const made = new Map<string, string>(); // handle -> what
    for (const c of named('C_CreateObject')) {
      expect(c.text).toMatch(/CKA_TOKEN\s+False/);
      const cls = field(c, /CKA_CLASS\s+(\w+)/)!;
      made.set(field(c, /\*phObject = (0x[0-9a-f]+)/)!, cls === 'CKO_PUBLIC_KEY' ? (isKatKey(c) ? 'kat-rsa' : 'kek') : 'kat-secret');
    }
    const ephemeral = new Set<string>();
    for (const c of named('C_GenerateKey')) {
      expect(c.text).toMatch(/CKM_AES_KEY_GEN/);
      expect(c.text).toMatch(/CKA_TOKEN\s+False/);
      expect(c.text).toMatch(/CKA_SENSITIVE\s+True/);
      const h = field(c, /hKey = (0x[0-9a-f]+)/)!;
      ephemeral.add(h);
      made.set(h, 'ephemeral');
    }
    expect(ephemeral.size).toBe(4); // one per wrapped key
    const destroyed = new Set(named('C_DestroyObject').map((c) => field(c, /hObject = (0x[0-9a-f]+)/)!));
    for (const h of made.keys()) expect(destroyed.has(h), `object ${h} (${made.get(h)}) destroyed`).toBe(true);
    expect(named('C_DestroyObject').length).toBe(made.size);
    expect(src.tokenObjects()).toEqual(before);

    // never a read of CKA_VALUE (CKA_VALUE_LEN is a length, not the key)
    for (const c of named('C_GetAttributeValue')) expect(c.text).not.toMatch(/^\s+CKA_VALUE\s/m);

    // the targets: what C_FindObjects returned for the URIs' labels
    const targets = new Set(named('C_FindObjects').flatMap((c) => [...c.text.matchAll(/Object (0x[0-9a-f]+) matches/g)].map((m) => m[1]!)));
    const kinds: Record<string, number> = {};
    for (const c of named('C_WrapKey')) {
      const wrapping = field(c, /hWrappingKey = (0x[0-9a-f]+)/)!;
      const key = field(c, /hKey = (0x[0-9a-f]+)/)!;
      const mech = field(c, /pMechanism->type = (\S+)/)!;
      let kind: string;
      if (made.get(wrapping) === 'ephemeral') {
        expect(mech).toBe('0x0000210A');
        expect(targets.has(key) && made.get(key) === undefined).toBe(true);
        kind = 'target under an ephemeral AES key';
      } else if (made.get(wrapping) === 'kek') {
        expect(mech).toBe('CKM_RSA_PKCS_OAEP');
        expect(made.get(key)).toBe('ephemeral');
        kind = 'ephemeral key under the KEK';
      } else {
        expect(['kat-secret', 'kat-rsa']).toContain(made.get(wrapping));
        expect(made.get(key)).toBe('kat-secret');
        kind = 'known-answer test values';
      }
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    console.log(`pkcs11-spy: ${calls.length} calls; C_WrapKey: ${JSON.stringify(kinds)}; ${made.size} session objects made and destroyed`);
    expect(kinds['target under an ephemeral AES key']).toBe(4);
    expect(kinds['ephemeral key under the KEK']).toBe(4);

    // one login per token: the wrong PIN is tried once for its three rows
    const logins = named('C_Login');
    expect(logins.length).toBe(2);
    expect(logins.filter((c) => /CKR_PIN_INCORRECT/.test(c.text)).length).toBe(1);
  });

  it('Ctrl-C at a PIN prompt: session objects destroyed, sessions closed, exit 130', () => {
    if (!ptyUsable()) return;
    const log = tmp.path('sigint.log');
    writeFileSync(tmp.path('s.csv'), `name,key\ns1,"pkcs11:token=byok-src;object=aes-0?${mod}&pin-source=file:${tmp.path('pin')}"\ns2,"pkcs11:token=byok-recv;object=x?${mod}"\n`);
    // On a terminal byok prompts for byok-recv's PIN after wrapping s1; SIGINT arrives while it waits.
    const r = runOnPty([process.execPath, CLI, 'batch', '--kek', kekPub(), '--kid', KID, '--manifest', tmp.path('s.csv'), '--out-dir', tmp.path('s-out')],
      [{ waitFor: 'PIN for token', signal: 'SIGINT' }], { ...process.env, ...env, PKCS11SPY_OUTPUT: log });
    expect(r.output).toContain('PIN for token "byok-recv"');
    expect(r.status).toBe(130);
    const calls = parseSpyLog(readFileSync(log, 'utf8'));
    const kek = calls.filter((c) => c.name === 'C_CreateObject' && /CKO_PUBLIC_KEY/.test(c.text) && !isKatKey(c)).map((c) => field(c, /\*phObject = (0x[0-9a-f]+)/)!);
    expect(kek.length).toBe(1); // the first row's session made it
    const lastDestroy = calls.filter((c) => c.name === 'C_DestroyObject' && field(c, /hObject = (0x[0-9a-f]+)/) === kek[0]);
    expect(lastDestroy.length).toBe(1);
    const close = calls.filter((c) => c.name === 'C_CloseSession');
    expect(close.length).toBeGreaterThanOrEqual(1);
    expect(close.at(-1)!.n).toBeGreaterThan(lastDestroy[0]!.n);
    expect(calls.at(-1)!.name).toBe('C_Finalize');
  });
});
