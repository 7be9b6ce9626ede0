// The import plan `byok batch` writes beside its report (issue 10): per row the az command, the public
// key's SHA-256 or the AES key check value, and a check that Azure holds that key. The plan is run with sh
// against a stand-in `az` that answers as Azure would for the keys it was given (public keys as SPKI DER,
// AES-CBC of a zero block), once with the right keys (every check confirms) and once with another key
// (the plan stops with MISMATCH).
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, tempDir } from '../helpers/cli.js';
import { cliSetup, type Fixtures } from './fixtures.js';

const MHSM_KID = 'https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';

// Answers `az keyvault key import|download|encrypt` from files prepared by the test: <name>.der is the
// imported key's public key, <name>.b64 its encrypt result; every call is logged.
const FAKE_AZ = `#!/bin/sh
echo "$*" >> "$FAKE_AZ_DIR/calls.log"
cmd="$3"; name=""; file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --name) name="$2"; shift ;;
    --file) file="$2"; shift ;;
    --byok-file) test -f "$2" || { echo "no such file $2" >&2; exit 3; }; shift ;;
  esac
  shift
done
case "$cmd" in
  import) ;;
  download) test ! -e "$file" || { echo "exists: $file" >&2; exit 3; }; cp "$FAKE_AZ_DIR/$name.der" "$file" ;;
  encrypt) cat "$FAKE_AZ_DIR/$name.b64" ;;
  *) exit 2 ;;
esac
`;

let tmp: ReturnType<typeof tempDir>;
let fx: Fixtures;
beforeAll(() => ({ tmp, fx } = cliSetup()));
afterAll(() => tmp.cleanup());

function aesCbcZero(key: Buffer): string {
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16)).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.alloc(16)), c.final()]).toString('base64');
}

describe('byok batch: the import plan', () => {
  let dir: string;
  let plan: string;
  let az: string;
  const aes128 = randomBytes(16);

  beforeAll(() => {
    dir = tmp.path('plan');
    mkdirSync(dir);
    writeFileSync(join(dir, 'aes128.key'), aes128);
    writeFileSync(join(dir, 'keys.csv'), `name,key\nsigning,${fx.rsa}\nec-1,${fx.ec}\nsecret,${fx.aes}\nsecret-128,aes128.key\nmissing,nope.pem\n`);
    const r = byok(['batch', '--kek', fx.kekPub, '--kid', MHSM_KID, '--manifest', join(dir, 'keys.csv'), '-o', join(dir, 'out'), '--json']);
    expect(r.code).toBe(1); // the missing row
    const j = JSON.parse(r.stdout) as { plan: string; report: string };
    plan = j.plan;
    expect(dirname(plan)).toBe(dirname(j.report));
    expect(statSync(plan).mode & 0o777).toBe(0o600);
    az = join(dir, 'fake-az');
    mkdirSync(az);
    writeFileSync(join(az, 'az'), FAKE_AZ);
    chmodSync(join(az, 'az'), 0o755);
  });

  /** Sets up what the stand-in Azure holds under each name, then runs the plan. */
  function runPlan(held: Record<string, { der?: Buffer; aes?: Buffer }>): { code: number; stdout: string; stderr: string; calls: string[] } {
    writeFileSync(join(az, 'calls.log'), '');
    for (const [name, k] of Object.entries(held)) {
      if (k.der) writeFileSync(join(az, `${name}.der`), k.der);
      if (k.aes) writeFileSync(join(az, `${name}.b64`), `${aesCbcZero(k.aes)}\n`);
    }
    const r = spawnSync('sh', [plan], { cwd: tmp.dir, encoding: 'utf8', env: { ...process.env, PATH: `${az}${delimiter}${process.env['PATH'] ?? ''}`, FAKE_AZ_DIR: az } });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, calls: readFileSync(join(az, 'calls.log'), 'utf8').split('\n').filter((l) => l !== '') };
  }

  const spki = (pem: string): Buffer => createPublicKey(createPrivateKey(readFileSync(pem))).export({ type: 'spki', format: 'der' });

  it('names per row the az command, the public-key SHA-256 or KCV, and the rows not done', () => {
    const text = readFileSync(plan, 'utf8');
    expect(text).toContain(`# public key SHA-256: ${createHash('sha256').update(spki(fx.rsa)).digest('hex')}`);
    expect(text).toContain(`# public key SHA-256: ${createHash('sha256').update(spki(fx.ec)).digest('hex')}`);
    expect(text).toContain(`# key check value (KCV): ${Buffer.from(aesCbcZero(fx.aesBytes), 'base64').subarray(0, 3).toString('hex')}`);
    // paths relative to the plan, which sits beside the report in the output folder
    expect(text).toContain('\naz keyvault key import --hsm-name contoso-hsm --name ec-1 --byok-file ec-1.byok --kty EC --curve P-256 --ops sign verify -o none\n');
    expect(text).toMatch(/--name secret-128 --algorithm A128CBC /);
    expect(text).toMatch(/# row 6: missing: not in this plan \(failed: .*not found/);
  });

  it('run against Azure holding those keys: every import runs and every check confirms', () => {
    const r = runPlan({
      signing: { der: spki(fx.rsa) }, 'ec-1': { der: spki(fx.ec) }, secret: { aes: fx.aesBytes }, 'secret-128': { aes: aes128 },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual(['signing', 'ec-1', 'secret', 'secret-128'].map((n) => expect.stringMatching(new RegExp(`^${n}: confirmed \\([0-9a-f]+\\)$`))));
    expect(r.calls.filter((c) => c.startsWith('keyvault key import'))).toHaveLength(4);
  });

  it('run against Azure holding another key: stops at that key with MISMATCH', () => {
    const r = runPlan({
      signing: { der: spki(fx.rsa) }, 'ec-1': { der: spki(fx.rsa1024) }, secret: { aes: fx.aesBytes }, 'secret-128': { aes: aes128 },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^signing: confirmed/);
    expect(r.stderr).toMatch(/^ec-1: MISMATCH: expected [0-9a-f]{64}, Azure gave [0-9a-f]{64}$/m);
    expect(r.calls.some((c) => c.includes('--name secret '))).toBe(false);
    const aes = runPlan({ signing: { der: spki(fx.rsa) }, 'ec-1': { der: spki(fx.ec) }, secret: { aes: randomBytes(32) } });
    expect(aes.code).toBe(1);
    expect(aes.stderr).toMatch(/^secret: MISMATCH/m);
  });
});
