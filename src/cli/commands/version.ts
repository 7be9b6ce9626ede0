// `byok --version` (also `byok version`): the toolkit's version and the crypto core this executable runs,
// by build name and the SHA-256 of its Wasm bytes — the value recorded in assembly/core-release.sha256 and
// named in every .byok's generator field, so a reviewer can check what ran.
import { isSea } from 'node:sea';
import { coreInfo, initSync } from '../../core/index.js';
import { TOOLKIT_NAME, TOOLKIT_VERSION } from '../../transfer/version.js';
import type { CommandSpec } from '../args.js';
import { kv, type Command } from '../context.js';
import { EXIT_OK } from '../exit-codes.js';

const spec: CommandSpec = {
  name: 'version',
  summary: "print the toolkit's version and the crypto core's build and SHA-256",
  usage: ['byok --version [--json]', 'byok version [--json]'],
  options: {},
  examples: ['byok --version', 'byok --version --json'],
};

export const versionCommand: Command = {
  spec,
  async run(_args, ctx) {
    initSync();
    const core = coreInfo();
    const runtime = isSea() ? 'single executable' : 'node';
    ctx.say(`${TOOLKIT_NAME} ${TOOLKIT_VERSION}`);
    for (const line of kv([
      ['core', `Wasm ${core.build}, SHA-256 ${core.wasmSha256}`],
      ['runtime', `Node.js ${process.versions.node} (${runtime}, ${process.platform}-${process.arch})`],
    ])) ctx.say(line);
    return {
      exitCode: EXIT_OK,
      json: {
        name: TOOLKIT_NAME,
        version: TOOLKIT_VERSION,
        core: { build: core.build, sha256: core.wasmSha256 },
        runtime: { node: process.versions.node, singleExecutable: isSea(), platform: `${process.platform}-${process.arch}` },
      },
    };
  },
};
