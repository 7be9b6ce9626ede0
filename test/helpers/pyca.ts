// Debian's python3-cryptography as a second independent implementation of the clouds' wrap: RSA-OAEP and
// aes_key_wrap_with_padding / aes_key_unwrap_with_padding, the code path gcloud uses for its own client-side
// wrap (gcloud kms keys versions import --target-key-file). One Python process runs a whole list of jobs.
//
// Which interpreter: the first `python3` along PATH that imports cryptography, else Debian's own interpreter
// (/usr/bin/python3, where the python3-cryptography package installs it; a PATH may put another Python first).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { requireTool } from './tools.js';

function imports(python: string): boolean {
  const r = spawnSync(python, ['-c', 'import cryptography.hazmat.primitives.keywrap'], { stdio: 'ignore', timeout: 30_000 });
  return r.error === undefined && r.status === 0;
}

function findPython(): string | undefined {
  const candidates = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '').map((d) => join(d, 'python3'));
  candidates.push(join('/usr', 'bin', 'python3'));
  return candidates.find((p) => existsSync(p) && imports(p));
}

export const PYCA_PYTHON: string | undefined = findPython();

/** True when a python3 with cryptography exists; otherwise prints why (or throws under CI=true). */
export function requirePyca(): boolean {
  return requireTool('python3-cryptography', PYCA_PYTHON !== undefined, 'apt-get install python3-cryptography');
}

export interface PycaJob {
  /** 'unwrap': open `blob` with the private key and compare with `material`; 'wrap': wrap `material` into `out`. */
  readonly op: 'unwrap' | 'wrap';
  readonly aes: boolean;
  readonly hash: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** PEM private key (unwrap) or PEM public key (wrap). */
  readonly key: string;
  readonly material: string;
  readonly blob?: string;
  readonly out?: string;
}

const SCRIPT = String.raw`
import json, os, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.keywrap import aes_key_wrap_with_padding, aes_key_unwrap_with_padding

H = {'sha1': hashes.SHA1, 'sha256': hashes.SHA256, 'sha384': hashes.SHA384, 'sha512': hashes.SHA512}
def oaep(h):
    return padding.OAEP(mgf=padding.MGF1(algorithm=H[h]()), algorithm=H[h](), label=None)
def read(p):
    with open(p, 'rb') as f:
        return f.read()
keys = {}
def key_of(job):
    if job['key'] not in keys:
        data = read(job['key'])
        keys[job['key']] = serialization.load_pem_private_key(data, password=None) if job['op'] == 'unwrap' else serialization.load_pem_public_key(data)
    return keys[job['key']]

results = []
for job in json.load(open(sys.argv[1])):
    try:
        material = read(job['material'])
        if job['op'] == 'unwrap':
            key = key_of(job)
            blob = read(job['blob'])
            if job['aes']:
                k = key.key_size // 8
                eph = key.decrypt(blob[:k], oaep(job['hash']))
                got = aes_key_unwrap_with_padding(eph, blob[k:])
            else:
                got = key.decrypt(blob, oaep(job['hash']))
            results.append('ok' if got == material else 'different')
        else:
            key = key_of(job)
            if job['aes']:
                eph = os.urandom(32)
                blob = key.encrypt(eph, oaep(job['hash'])) + aes_key_wrap_with_padding(eph, material)
            else:
                blob = key.encrypt(material, oaep(job['hash']))
            with open(job['out'], 'wb') as f:
                f.write(blob)
            results.append('ok')
    except Exception as e:
        results.append('error: %s' % type(e).__name__)
print(json.dumps(results))
`;

/** Runs every job in one Python process; returns 'ok', 'different' or 'error: <type>' per job. */
export function runPycaJobs(jobsFile: string): string[] {
  if (PYCA_PYTHON === undefined) throw new Error('python3 with cryptography is not available');
  const r = spawnSync(PYCA_PYTHON, ['-c', SCRIPT, jobsFile], { encoding: 'utf8', timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  if (r.error !== undefined) throw r.error;
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
  return JSON.parse(r.stdout) as string[];
}
