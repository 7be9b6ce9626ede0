// The commands of `byok`, in the order `byok --help` lists them.
import type { Command } from '../context.js';
import { inspectCommand } from './inspect.js';

export const COMMANDS: readonly Command[] = [inspectCommand];
