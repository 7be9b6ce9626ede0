// Runs a command on a pseudo-terminal (python3's pty) and plays a script against it: wait for a text,
// then type a line or send a signal. For prompts without echo and for Ctrl-C while one waits.
import { spawnSync } from 'node:child_process';
import { hasCommand, requireTool } from './tools.js';

export interface PtyStep {
  /** Wait (up to 60 s) until the output so far contains this. */
  readonly waitFor: string;
  /** Then type this (include '\r' to press Enter). */
  readonly send?: string;
  /** Then send this signal to the process (e.g. 'SIGINT'). */
  readonly signal?: 'SIGINT' | 'SIGTERM';
}

/** True when python3 with its pty module is there (else the caller's test is skipped, or fails under CI). */
export function ptyUsable(): boolean {
  return requireTool('python3 (pty)', hasCommand('python3', ['-c', 'import pty']), 'apt-get install python3');
}

const SCRIPT = `
import json, os, pty, signal, sys, time
steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
buf = b''
def read_until(token, timeout=60):
    global buf
    end = time.time() + timeout
    while token not in buf and time.time() < end:
        try:
            buf += os.read(fd, 4096)
        except OSError:
            break
for step in steps:
    read_until(step['waitFor'].encode())
    if 'send' in step:
        os.write(fd, step['send'].encode())
    if 'signal' in step:
        os.kill(pid, getattr(signal, step['signal']))
try:
    while True:
        chunk = os.read(fd, 4096)
        if not chunk: break
        buf += chunk
except OSError:
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(buf)
sys.exit(os.waitstatus_to_exitcode(status))
`;

/** Runs `argv` on a terminal, playing `steps`; returns the exit status and everything the terminal showed. */
export function runOnPty(argv: readonly string[], steps: readonly PtyStep[], env: NodeJS.ProcessEnv = process.env): { status: number | null; output: string } {
  const r = spawnSync('python3', ['-c', SCRIPT, JSON.stringify(steps), ...argv], { encoding: 'utf8', timeout: 90_000, env });
  if (r.error) throw r.error;
  return { status: r.status, output: r.stdout };
}
