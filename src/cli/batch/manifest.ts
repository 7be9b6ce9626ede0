// Batch manifests: CSV with the header `name,key,password_file,kid` (any column order; only `key` is
// required) or a JSON array of objects with those fields. Paths are relative to the manifest's folder;
// a key may also be a pkcs11: URI (the name then defaults to its object label).
// The CSV reader is a small RFC 4180 reader (quotes, doubled quotes, CRLF): a dependency for four
// columns of file names would be more code to audit than this.
import { basename, dirname, extname, resolve } from 'node:path';
import { ByokError } from '../../errors.js';
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
}

const FIELDS = ['name', 'key', 'password_file', 'kid'] as const;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$/;
export const MAX_MANIFEST_ROWS = 1_000_000;

/** "manifest row 4 has …": `why` continues the sentence. */
function invalid(where: string, why: string): ByokError {
  return new ByokError('MANIFEST_INVALID', `manifest${where ? ` ${where}` : ''} ${why}`);
}

/** Parses a manifest file's text. `path` decides CSV or JSON (by content, then extension) and the base folder. */
export function parseManifest(text: string, path: string): ManifestRow[] {
  const base = dirname(resolve(path));
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  const raw = trimmed.startsWith('[') || extname(path).toLowerCase() === '.json' ? fromJson(trimmed) : fromCsv(text.replace(/^\uFEFF/, ''));
  if (raw.length === 0) throw invalid('', 'has no rows: list at least one key');
  if (raw.length > MAX_MANIFEST_ROWS) throw invalid('', `has more than ${MAX_MANIFEST_ROWS} rows: split it`);
  const seen = new Map<string, number>();
  return raw.map(({ row, fields }) => {
    const where = `row ${row}`;
    const key = fields.key;
    if (key === undefined || key === '') throw invalid(where, 'has no "key" (the key file to wrap)');
    const token = isPkcs11Uri(key);
    const keyPath = token ? tokenKey(key, where, fields.password_file) : resolve(base, key); // absolute paths stay absolute (normalized)
    const name = fields.name === undefined || fields.name === '' ? (token ? parsePkcs11Uri(key).object ?? '' : basename(key, extname(key))) : fields.name;
    if (!NAME_RE.test(name)) {
      throw invalid(where, `has the name ${JSON.stringify(name.slice(0, 60))}, which cannot be a file name: use letters, digits, '.', '_' and '-' (at most 127), starting with a letter or digit`);
    }
    const lower = name.toLowerCase(); // case-insensitive file systems would make two names one file
    const prev = seen.get(lower);
    if (prev !== undefined) throw invalid(where, `has the name ${JSON.stringify(name)}, also used by row ${prev}: each row needs its own output name`);
    seen.set(lower, row);
    const pw = fields.password_file;
    const kid = fields.kid;
    return {
      row, name, key: keyPath,
      ...(pw === undefined || pw === '' ? {} : { passwordFile: resolve(base, pw) }),
      ...(kid === undefined || kid === '' ? {} : { kid }),
    };
  });
}

/**
 * A pkcs11: key column, checked here so that a URI with the PIN in it (pin-value) stops the whole run
 * before anything is written, and no report ever holds it. Messages name the row, never the URI.
 */
function tokenKey(key: string, where: string, passwordFile: string | undefined): string {
  try {
    parsePkcs11Uri(key);
  } catch (e) {
    throw invalid(where, `has a key that is not a usable PKCS#11 URI: ${e instanceof ByokError ? e.message : 'unreadable'}`);
  }
  if (passwordFile !== undefined && passwordFile !== '') {
    throw invalid(where, 'has a password_file and a pkcs11: key: a token key has no password file (its PIN comes from pin-source in the URI, BYOK_PKCS11_PIN or the prompt)');
  }
  return key;
}

type RawRow = { row: number; fields: Partial<Record<(typeof FIELDS)[number], string>> };

function fromJson(text: string): RawRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid('', 'is not valid JSON (expected an array of {"name","key","password_file","kid"} objects)');
  }
  if (!Array.isArray(data)) throw invalid('', 'is not a JSON array');
  return data.map((item: unknown, i) => {
    const row = i + 1;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(`row ${row}`, 'is not an object');
    const fields: RawRow['fields'] = {};
    for (const [k, v] of Object.entries(item)) {
      if (!(FIELDS as readonly string[]).includes(k)) throw invalid(`row ${row}`, `has unknown field ${JSON.stringify(k.slice(0, 40))}: fields are ${FIELDS.join(', ')}`);
      if (v === null || v === undefined) continue;
      if (typeof v !== 'string') throw invalid(`row ${row}`, `has a field "${k}" that is not a string`);
      fields[k as (typeof FIELDS)[number]] = v;
    }
    return { row, fields };
  });
}

function fromCsv(text: string): RawRow[] {
  const records = readCsv(text);
  const header = records.shift();
  if (!header) throw invalid('', 'is empty');
  const cols = header.cells.map((c) => c.trim());
  for (const c of cols) {
    if (!(FIELDS as readonly string[]).includes(c)) {
      throw invalid('header', `has unknown column ${JSON.stringify(c.slice(0, 40))}: the header is name,key,password_file,kid (key required)`);
    }
  }
  if (!cols.includes('key')) throw invalid('header', 'has no "key" column: the header is name,key,password_file,kid');
  if (new Set(cols).size !== cols.length) throw invalid('header', 'names a column twice');
  return records
    .filter((r) => !(r.cells.length === 1 && r.cells[0]!.trim() === ''))
    .map((r) => {
      if (r.cells.length !== cols.length) throw invalid(`row ${r.line}`, `has ${r.cells.length} fields, the header has ${cols.length}`);
      const fields: RawRow['fields'] = {};
      cols.forEach((c, i) => {
        fields[c as (typeof FIELDS)[number]] = r.cells[i]!.trim();
      });
      return { row: r.line, fields };
    });
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
