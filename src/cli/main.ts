#!/usr/bin/env node
// The `byok` executable (bundled into dist/cli/byok.mjs, and into the single executable as CommonJS). All
// logic lives in run.ts, imported once batch workers have started (batch/pool.ts), so their start-up
// overlaps the CLI's own. No top-level await: the single executable's Node runs one CommonJS script.
import { jobsFromArgv, prestartWorkers } from './batch/pool.js';

if (process.argv[2] === 'batch' && !process.argv.includes('--help') && !process.argv.includes('-h')) {
  prestartWorkers(jobsFromArgv(process.argv.slice(3)) - 1); // this thread is one of the jobs
}

// `byok inspect x.byok --json | head -1` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

void import('./run.js')
  .then(({ runCli }) => runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  }))
  .then((code) => {
    process.exitCode = code;
  });
