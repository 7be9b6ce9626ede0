// The commands of `byok`, in the order `byok --help` lists them.
import type { Command } from '../context.js';
import { attestCommand } from './attest.js';
import { batchCommand } from './batch.js';
import { demoCommand } from './demo.js';
import { inspectCommand } from './inspect.js';
import { kekCommand } from './kek.js';
import { pkcs11Command } from './pkcs11.js';
import { serveCommand } from './serve.js';
import { unwrapCommand, verifyCommand } from './unwrap.js';
import { versionCommand } from './version.js';
import { wrapCommand } from './wrap.js';

export const COMMANDS: readonly Command[] = [
  wrapCommand, inspectCommand, kekCommand, attestCommand, unwrapCommand, verifyCommand, batchCommand, pkcs11Command, demoCommand, serveCommand,
  versionCommand,
];
