// HTTP plumbing of `byok serve`: the request context routes receive, bounded body reading, JSON and error
// responses in Key Vault's shape, and checked readers for request fields. Everything a client sends is
// validated here or in the route before use; nothing a client sends can crash the server.
import type { IncomingMessage } from 'node:http';
import { badParameter, ServiceError } from './errors.js';

/** Bodies larger than this are refused (the largest real body, an RSA-4096 .byok import, is ~6 KB). */
export const MAX_BODY = 256 * 1024;

export interface Caller {
  readonly oid: string;
  readonly appid: string;
}

/** What a route answers; server.ts sends it and writes the audit line. */
export interface Reply {
  readonly status: number;
  /** Sent as JSON; none for 204 and the 401 challenge. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface AuditNote {
  operationName: string;
  /** The object the request concerned (key id, role assignment id). */
  id?: string;
  keyProperties?: Record<string, unknown>;
  caller?: Caller;
}

export interface Request {
  readonly req: IncomingMessage;
  readonly method: string;
  /** Path segments after collapsing repeated slashes; a trailing slash leaves a final ''. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  /** scheme://host:port as the client addressed this server (ids and links are built on it). */
  readonly origin: string;
  readonly requestId: string;
  readonly note: AuditNote;
  /** The body, read once, at most MAX_BODY bytes. */
  body(): Promise<Buffer>;
}

/** Reads the whole body, refusing more than MAX_BODY bytes (413) without buffering the excess. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > MAX_BODY) {
        failed = true;
        for (const ch of chunks) ch.fill(0);
        reject(new ServiceError(413, 'RequestEntityTooLarge', `The request body is larger than ${MAX_BODY} bytes.`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
      for (const ch of chunks) ch.fill(0);
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

/** The body as a JSON object (400 when it is empty, not JSON or not an object). */
export async function jsonBody(r: Request): Promise<Record<string, unknown>> {
  const raw = await r.body();
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badParameter(raw.length === 0 ? 'The request body is empty: this operation needs a JSON object.' : 'The request body is not valid JSON.');
  } finally {
    raw.fill(0); // an import body holds key material (a JWK import) or a wrapped key
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badParameter('The request body must be a JSON object.');
  return v as Record<string, unknown>;
}

export function optionalString(o: Record<string, unknown>, name: string): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badParameter(`The property "${name}" must be a string.`);
  return v;
}

export function requiredString(o: Record<string, unknown>, name: string): string {
  const v = optionalString(o, name);
  if (v === undefined || v === '') throw badParameter(`The property "${name}" is required.`);
  return v;
}

export function optionalObject(o: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw badParameter(`The property "${name}" must be a JSON object.`);
  return v as Record<string, unknown>;
}

/** A base64url (or base64) field, decoded. */
export function bytesField(o: Record<string, unknown>, name: string, required: true): Buffer;
export function bytesField(o: Record<string, unknown>, name: string, required: false): Buffer | undefined;
export function bytesField(o: Record<string, unknown>, name: string, required: boolean): Buffer | undefined {
  const v = o[name];
  if (v === undefined || v === null) {
    if (required) throw badParameter(`The property "${name}" is required.`);
    return undefined;
  }
  if (typeof v !== 'string' || !/^[A-Za-z0-9_\-+/]*=*$/.test(v)) throw badParameter(`The property "${name}" must be base64url-encoded bytes.`);
  return Buffer.from(v, 'base64url');
}

export function b64u(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
}

/** Key Vault's error body; the message ends with the request's Activity ID as the service's do. */
export function errorReply(e: ServiceError, requestId: string): Reply {
  if (e.status === 401) return { status: 401, headers: e.headers };
  return {
    status: e.status,
    headers: e.headers,
    body: { error: { code: e.serviceCode, message: `${e.message} (Activity ID: ${requestId})`, innererror: e.innerCode === undefined ? null : { code: e.innerCode } } },
  };
}
