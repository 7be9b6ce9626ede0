import { readFileSync, writeFileSync } from 'node:fs';
const on = process.env['EXP_PROF'] !== undefined;
const cpu = (): number => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
let last = on ? cpu() : 0;
const acc: Record<string, number> = {};
export function mark(label: string): void {
  if (!on) return;
  const c = cpu();
  acc[label] = (acc[label] ?? 0) + c - last;
  last = cpu();
  acc['(marks)'] = (acc['(marks)'] ?? 0) + last - c;
}
if (on) process.on('SIGUSR2', () => { writeFileSync(process.env['EXP_PROF']!, JSON.stringify(acc)); for (const k in acc) delete acc[k]; });
