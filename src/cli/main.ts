#!/usr/bin/env node
// The `byok` executable (package.json "bin"). All logic lives in run.ts.
import { runCli } from './run.js';

// `byok inspect x.byok --json | head -1` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
