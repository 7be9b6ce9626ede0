// Timestamps as the clouds' CLIs print them, parsed strictly (a wrong expiry shown to a security officer is
// worse than a refusal):
//   - RFC 3339 with "Z" or a numeric offset and 0 to 9 fractional digits: Google Cloud (protobuf Timestamp
//     JSON, "2024-05-14T09:22:31.320125493Z"), OCI CLI and AWS CLI v2 (Python isoformat,
//     "2024-05-14T09:22:31.320000+00:00", "…-07:00").
//   - A number of seconds since 1970 with a fraction: AWS CLI v1 and `--cli-timestamp-format wire`
//     ("ParametersValidTo": 1593893322.32), the JSON protocol's own form.
// Fractions beyond milliseconds are dropped (a Date holds milliseconds).
import { ByokError } from '../errors.js';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function bad(path: string, problem: string): ByokError {
  return new ByokError('MALFORMED_KEK', `${path}: ${problem}; the wrapping-key file is damaged or was edited: download it again`, { path });
}

const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * An RFC 3339 date-time string, a Date (SDK objects), or — where the cloud prints one (`epochSeconds`: AWS) —
 * a number of seconds since the epoch; `path` names the field for errors.
 */
export function parseTimestamp(v: unknown, path: string, epochSeconds = false): Date {
  if (typeof v === 'number' && epochSeconds) {
    if (!Number.isFinite(v) || v <= 0 || v > 253402300799) throw bad(path, 'not a time in seconds since 1970');
    return new Date(Math.round(v * 1000));
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw bad(path, 'an invalid Date');
    return new Date(v.getTime());
  }
  if (typeof v !== 'string') throw bad(path, `expected a date-time string (RFC 3339)${epochSeconds ? ' or a number of seconds' : ''}`);
  const m = RFC3339.exec(v);
  if (m === null) throw bad(path, `${JSON.stringify(v.slice(0, 40))} is not an RFC 3339 date-time`);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const y = year as number;
  const mo = month as number;
  if (y < 1970 || mo < 1 || mo > 12 || (day as number) < 1 || (day as number) > daysIn(y, mo) || (hour as number) > 23 || (minute as number) > 59 || (second as number) > 59) {
    throw bad(path, `${JSON.stringify(v)} is not a valid date and time`);
  }
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) throw bad(path, `${JSON.stringify(v)} has an invalid UTC offset`);
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(Date.UTC(y, mo - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000);
}
