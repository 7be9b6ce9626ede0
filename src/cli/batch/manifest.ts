// Batch manifests: CSV with the header `name,key,password_file,kid` (any column order; only `key` is
// required) or a JSON array of objects with those fields. Paths are relative to the manifest's folder.
// For the other clouds (batch --for) two more columns: `kek`, the row's wrapping-key file (AWS issues a
// wrapping key and token per KMS key), and `algorithm`; rows without them use --kek and --algorithm.
// A key may also be a pkcs11: URI (the name then defaults to its object label).
// The CSV reader is a small RFC 4180 reader (quotes, doubled quotes, CRLF): a dependency for four
// columns of file names would be more code to audit than this.
import { basename, dirname, extname, resolve } from 'node:path';
import { ByokError } from '../../errors.js';
import { checkAzureKeyName } from '../../formats/azure-import.js';
import { isPkcs11Uri, parsePkcs11Uri } from '../../pkcs11/uri.js';

export interface ManifestRow {
  /** 1-based row number in the manifest (CSV: line of the record; JSON: array index + 1). */
  readonly row: number;
  /** Output is `<name>.byok` in the output folder. */
  readonly name: string;
  /** Absolute path of the key file, or a pkcs11: URI (kept as written; never holds pin-value). */
  readonly key: string;
  readonly passwordFile?: string;
  readonly kid?: string;
  /** Absolute path of the row's wrapping-key file (other clouds than Azure). */
  readonly kek?: string;
  /** The row's wrapping algorithm (other clouds than Azure). */
  readonly algorithm?: string;
}

const FIELDS = ['name', 'key', 'password_file', 'kid', 'kek', 'algorithm'] as const;
/** Columns only batch --for aws|gcp|oci|vault reads, and the one only Azure reads. */
const CLOUD_FIELDS = ['kek', 'algorithm'] as const;
export const MAX_MANIFEST_ROWS = 1_000_000;

/** "manifest row 4 has …": `why` continues the sentence. */
function invalid(where: string, why: string): ByokError {
  return new ByokError('MANIFEST_INVALID', `manifest${where ? ` ${where}` : ''} ${why}`);
}

/** Most row problems named in the one-line error; the count says how many more. */
const MAX_LISTED = 20;

/**
 * Parses a manifest file's text. `path` decides CSV or JSON (by content, then extension) and the base folder.
 * Every row problem is reported at once (one error listing them), so one run shows everything to fix.
 */
export function parseManifest(text: string, path: string, azure = true): ManifestRow[] {
  const base = dirname(resolve(path));
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  const problems: string[] = [];
  const raw = trimmed.startsWith('[') || extname(path).toLowerCase() === '.json' ? fromJson(trimmed, problems) : fromCsv(text.replace(/^\uFEFF/, ''), problems);
  if (raw.length === 0 && problems.length === 0) throw invalid('', 'has no rows: list at least one key');
  if (raw.length > MAX_MANIFEST_ROWS) throw invalid('', `has more than ${MAX_MANIFEST_ROWS} rows: split it`);
  const seen = new Map<string, number>();
  const rows: ManifestRow[] = [];
  for (const { row, fields } of raw) {
    const where = `row ${row}`;
    const key = fields.key;
    if (key === undefined || key === '') {
      problems.push(`${where} has no "key" (the key file to wrap)`);
      continue;
    }
    const token = isPkcs11Uri(key);
    if (token) {
      const problem = tokenKeyProblem(key, fields.password_file);
      if (problem !== undefined) {
        problems.push(`${where} ${problem}`);
        continue;
      }
    }
    const keyPath = token ? key : resolve(base, key); // absolute paths stay absolute (normalized)
    const name = fields.name === undefined || fields.name === '' ? (token ? parsePkcs11Uri(key).object ?? '' : basename(key, extname(key))) : fields.name;
    // The name is the Azure key's name (the import plan's az commands) and the output's file name; the
    // other clouds take it as the file name only, under the same rule (safe in every file system and shell).
    try {
      checkAzureKeyName(name);
    } catch {
      problems.push(`${where} has the name ${JSON.stringify(name.slice(0, 60))}, which ${azure ? 'Azure does not accept for a key' : 'is not a safe output name'}: use 1 to 127 letters, digits and dashes (set the name column)`);
      continue;
    }
    const misplaced = azure ? CLOUD_FIELDS.find((f) => (fields[f] ?? '') !== '') : (fields.kid ?? '') !== '' ? 'kid' : undefined;
    if (misplaced !== undefined) {
      problems.push(`${where} fills the ${misplaced} column, which is for ${azure ? 'batch --for aws|gcp|oci|vault' : 'Azure'}: empty it`);
      continue;
    }
    const lower = name.toLowerCase(); // case-insensitive file systems would make two names one file
    const prev = seen.get(lower);
    if (prev !== undefined) {
      problems.push(`${where} has the name ${JSON.stringify(name)}, also used by row ${prev}: each row needs its own output name`);
      continue;
    }
    seen.set(lower, row);
    const pw = fields.password_file;
    const kid = fields.kid;
    const kek = fields.kek;
    const algorithm = fields.algorithm;
    rows.push({
      row, name, key: keyPath,
      ...(pw === undefined || pw === '' ? {} : { passwordFile: resolve(base, pw) }),
      ...(kid === undefined || kid === '' ? {} : { kid }),
      ...(kek === undefined || kek === '' ? {} : { kek: resolve(base, kek) }),
      ...(algorithm === undefined || algorithm === '' ? {} : { algorithm }),
    });
  }
  if (problems.length === 1) throw invalid('', problems[0]!);
  if (problems.length > 1) {
    const listed = problems.slice(0, MAX_LISTED).join('; ');
    throw invalid('', `has ${problems.length} problems, fix them all and run again: ${listed}${problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : ''}`);
  }
  return rows;
}

/**
 * What is wrong with a pkcs11: key column, checked here so that a URI with the PIN in it (pin-value) stops
 * the whole run before anything is written, and no report ever holds it. Messages never quote the URI.
 */
function tokenKeyProblem(key: string, passwordFile: string | undefined): string | undefined {
  try {
    parsePkcs11Uri(key);
  } catch (e) {
    return `has a key that is not a usable PKCS#11 URI: ${e instanceof ByokError ? e.message : 'unreadable'}`;
  }
  if (passwordFile !== undefined && passwordFile !== '') {
    return 'has a password_file and a pkcs11: key: a token key has no password file (its PIN comes from pin-source in the URI, BYOK_PKCS11_PIN or the prompt)';
  }
  return undefined;
}

type RawRow = { row: number; fields: Partial<Record<(typeof FIELDS)[number], string>> };

function fromJson(text: string, problems: string[]): RawRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid('', 'is not valid JSON (expected an array of {"name","key","password_file","kid","kek","algorithm"} objects)');
  }
  if (!Array.isArray(data)) throw invalid('', 'is not a JSON array');
  const out: RawRow[] = [];
  data.forEach((item: unknown, i) => {
    const row = i + 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`row ${row} is not an object`);
      return;
    }
    const fields: RawRow['fields'] = {};
    let ok = true;
    for (const [k, v] of Object.entries(item)) {
      if (!(FIELDS as readonly string[]).includes(k)) {
        problems.push(`row ${row} has unknown field ${JSON.stringify(k.slice(0, 40))}: fields are ${FIELDS.join(', ')}`);
        ok = false;
      } else if (v !== null && v !== undefined && typeof v !== 'string') {
        problems.push(`row ${row} has a field "${k}" that is not a string`);
        ok = false;
      } else if (typeof v === 'string') {
        fields[k as (typeof FIELDS)[number]] = v;
      }
    }
    if (ok) out.push({ row, fields });
  });
  return out;
}

function fromCsv(text: string, problems: string[]): RawRow[] {
  const records = readCsv(text);
  const header = records.shift();
  if (!header) throw invalid('', 'is empty');
  const cols = header.cells.map((c) => c.trim());
  for (const c of cols) {
    if (!(FIELDS as readonly string[]).includes(c)) {
      throw invalid('header', `has unknown column ${JSON.stringify(c.slice(0, 40))}: the header is name,key,password_file,kid (key required; kek and algorithm for batch --for)`);
    }
  }
  if (!cols.includes('key')) throw invalid('header', 'has no "key" column: the header is name,key,password_file,kid');
  if (new Set(cols).size !== cols.length) throw invalid('header', 'names a column twice');
  const out: RawRow[] = [];
  for (const r of records) {
    if (r.cells.length === 1 && r.cells[0]!.trim() === '') continue;
    if (r.cells.length !== cols.length) {
      problems.push(`row ${r.line} has ${r.cells.length} fields, the header has ${cols.length}`);
      continue;
    }
    const fields: RawRow['fields'] = {};
    cols.forEach((c, i) => {
      fields[c as (typeof FIELDS)[number]] = r.cells[i]!.trim();
    });
    out.push({ row: r.line, fields });
  }
  return out;
}

/** RFC 4180 records with the line number each starts on. */
function readCsv(text: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw invalid(`row ${start}`, 'has a quoted field that never ends');
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          cell += ch;
          i++;
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw invalid(`row ${start}`, 'has characters after a closing quote');
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') cell += text[i++];
      }
      cells.push(cell);
      if (text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') {
      i++;
      line++;
    }
    out.push({ line: start, cells });
  }
  return out;
}
