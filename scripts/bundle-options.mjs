// esbuild options shared by the bundled executable (scripts/build-cli.mjs) and the single executable
// (scripts/build-sea.mjs): both bundle dist/ and its dependencies the same way, not minified, licence
// notices kept, reproducible.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: `node${pkg.engines.node.replace(/[^0-9.]/g, '').split('.')[0]}`,
  legalComments: 'inline', // the licence notices of bundled libraries stay beside their code
  logLevel: 'warning',
};
