// `byok serve`: a local, offline Managed HSM–compatible HTTPS endpoint for rehearsing BYOK imports with
// the real Azure clients. NOT a production HSM: keys are software keys in a folder.
//
// Every request goes through the same steps, and each refusal is an answer in the service's shape and a
// line in the audit log, never a crash:
//   identity routes (token service) → bearer token (else the 401 challenge, before any body is read) →
//   api-version → route (404 / 405 / 400 for a bad name) → role check (403) → the route reads its body
//   (at most MAX_BODY) and runs → audit line written → response sent.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openAuditLog, type AuditLog } from './audit.js';
import { dataPaths, openDataDir, type DataDir } from './data-dir.js';
import { badParameter, notFound, ServiceError } from './errors.js';
import { errorReply, readBody, type AuditNote, type Caller, type Reply, type Request } from './http.js';
import { openKeyStore, type KeyStore } from './keystore.js';
import { openDirectory, type Directory } from './principals.js';
import { ACTION_PREFIX } from './roles.js';
import { identityRoute } from './routes-identity.js';
import { keysRoute } from './routes-keys.js';
import { rbacRoute } from './routes-rbac.js';
import { createTokens, MHSM_RESOURCE, type Tokens } from './tokens.js';

/** API versions the current SDKs and `az` send (stable, and the previews az uses). */
const API_VERSIONS = new Set(['7.0', '7.1', '7.2', '7.3', '7.4', '7.5', '7.6', '2025-06-01', '2025-07-01']);
const PREVIEW = /^(7\.[2-6]|2025-0[67]-01)-preview(\.\d{1,2})?$/;
const LATEST_API_VERSION = '2025-07-01';

export interface ServeOptions {
  readonly dataDir: string;
  readonly port?: number;
  readonly host?: string;
  /** Diagnostics (internal errors); never receives key material or secrets. */
  readonly log?: (line: string) => void;
}

export interface RunningServer {
  /** https://127.0.0.1:PORT — the URL as clients should use it. */
  readonly url: string;
  readonly port: number;
  readonly data: DataDir;
  readonly caPath: string;
  readonly adminPath: string;
  /** Stops accepting, lets requests in flight finish, flushes the audit log. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Splits and checks the raw path: collapses repeated slashes; refuses dot segments and percent-escapes. */
function pathSegments(rawPath: string): string[] {
  if (!rawPath.startsWith('/') || rawPath.length > 2048) throw badParameter('The request URI is not valid.');
  // Repeated slashes collapse ("///providers/…" is scope "/"), and "/keys/k/" is "/keys/k" (latest version).
  const seg = rawPath.split('/').filter((s) => s !== '');
  for (const s of seg) {
    if (s === '.' || s === '..' || s.includes('%') || s.includes('\\')) {
      throw badParameter(`The request URI contains an invalid path segment ${JSON.stringify(s.slice(0, 60))}.`);
    }
  }
  return seg;
}

interface Services {
  readonly data: DataDir;
  readonly dir: Directory;
  readonly tokens: Tokens;
  readonly audit: AuditLog;
  readonly keys: ReturnType<typeof openKeyStore>;
  /** The origin for requests without a usable Host header: the listening address, once known. */
  fallbackOrigin: string;
  readonly log: (line: string) => void;
}

function originOf(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host !== undefined && /^(localhost|[0-9.]+|\[[0-9a-fA-F:]+\]|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)(:\d{1,5})?$/.test(host) ? `https://${host}` : fallback;
}

function challenge(s: Services, origin: string, error?: string): ServiceError {
  const header = `Bearer authorization="${origin}/${s.data.tenantId}", resource="${MHSM_RESOURCE}"${error ? `, error="${error}"` : ''}`;
  return new ServiceError(401, 'Unauthorized', 'Request is missing a Bearer or PoP token.', { headers: { 'www-authenticate': header } });
}

async function bearer(s: Services, req: IncomingMessage, origin: string, audiences: readonly string[] | undefined): Promise<Caller> {
  const h = req.headers.authorization;
  const m = h === undefined ? null : /^Bearer ([A-Za-z0-9_.-]{1,8192})$/.exec(h);
  if (!m) throw challenge(s, origin);
  const claims = await s.tokens.verify(m[1]!, audiences ?? [MHSM_RESOURCE, 'https://management.core.windows.net', 'https://management.azure.com']);
  if (!claims) throw challenge(s, origin, 'invalid_token');
  return { oid: claims.oid, appid: claims.appid };
}

function checkApiVersion(query: URLSearchParams): string {
  const v = query.get('api-version');
  if (v === null || v === '') throw badParameter(`The api-version query parameter is required. Use ?api-version=${LATEST_API_VERSION}.`);
  if (!API_VERSIONS.has(v) && !PREVIEW.test(v)) {
    throw badParameter(`The specified version (${v.slice(0, 30)}) is not recognized. Consider using the latest supported version (${LATEST_API_VERSION}).`);
  }
  return v;
}

async function route(s: Services, r: Request): Promise<Reply> {
  const identity = identityRoute({ tenantId: s.data.tenantId, tokenKey: s.data.tokenKey, dir: s.dir, tokens: s.tokens }, r.method, r.segments);
  if (identity) {
    r.note.operationName = identity.operation;
    if (identity.needsToken) r.note.caller = await bearer(s, r.req, r.origin, undefined);
    return identity.run(r);
  }
  r.note.caller = await bearer(s, r.req, r.origin, [MHSM_RESOURCE]);
  checkApiVersion(r.query);
  const found = keysRoute(s.keys, r.method, r.segments) ?? rbacRoute(s.dir, r.method, r.segments);
  if (!found) throw notFound(`The path /${r.segments.join('/').slice(0, 200)}`);
  r.note.operationName = found.operation;
  const action = ACTION_PREFIX + found.action;
  if (!s.dir.allowed(r.note.caller.oid, action, found.scope)) {
    throw new ServiceError(403, 'AccessDenied', `Not authorized to access ${action} on '${found.scope}'`);
  }
  return found.run(r);
}

function auditEvent(s: Services, r: Request, reply: Reply, durationMs: number, description: string): Record<string, unknown> {
  const name = s.data.hsmName.toUpperCase();
  const requestUri = `${r.origin}${(r.req.url ?? '').slice(0, 2048)}`;
  const clientInfo = String(r.req.headers['user-agent'] ?? '').slice(0, 256);
  const c = r.note.caller;
  return {
    TenantId: s.data.tenantId,
    time: new Date().toISOString(),
    resourceId: `/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/BYOK-SERVE/PROVIDERS/MICROSOFT.KEYVAULT/MANAGEDHSMS/${name}`,
    operationName: r.note.operationName,
    operationVersion: r.query.get('api-version')?.slice(0, 30) ?? '',
    category: 'AuditEvent',
    resultType: reply.status < 400 ? 'Success' : 'Failure',
    resultSignature: STATUS_CODES[reply.status] ?? String(reply.status),
    resultDescription: description,
    durationMs,
    callerIpAddress: r.req.socket.remoteAddress ?? '',
    correlationId: String(r.req.headers['x-ms-client-request-id'] ?? '').slice(0, 100),
    identity: c ? JSON.stringify({ claim: { appid: c.appid, http_schemas_microsoft_com_identity: { claims: { objectidentifier: c.oid } } } }) : '',
    properties: {
      PoolType: 'M-HSM', sku_Family: 'B', sku_Name: 'Standard_B1',
      ...(r.note.id ? { id: r.note.id } : {}), ...(r.note.keyProperties ? { keyProperties: r.note.keyProperties } : {}),
      requestUri, httpStatusCode: reply.status, clientInfo,
    },
    clientInfo, subnetId: '(unknown)', httpStatusCode: reply.status, PoolName: s.data.hsmName, requestUri,
    resourceGroup: 'BYOK-SERVE', resourceProvider: 'MICROSOFT.KEYVAULT', resource: name, resourceType: 'managedHSMs',
  };
}

function send(res: ServerResponse, reply: Reply, requestId: string, close: boolean): void {
  const body = reply.body === undefined ? undefined : Buffer.from(JSON.stringify(reply.body), 'utf8');
  res.writeHead(reply.status, {
    ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': String(body?.length ?? 0),
    'x-ms-request-id': requestId,
    'x-ms-keyvault-service-version': 'byok-serve',
    'cache-control': 'no-cache',
    ...(close ? { connection: 'close' } : {}),
    ...reply.headers,
  });
  res.end(body);
}

async function handle(s: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const requestId = randomUUID();
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const note: AuditNote = { operationName: 'Unknown' };
  let bodyPromise: Promise<Buffer> | undefined;
  let segments: string[] = [];
  let badPath: unknown;
  try {
    segments = pathSegments(q < 0 ? raw : raw.slice(0, q));
  } catch (e) {
    badPath = e;
  }
  const r: Request = {
    req, method: req.method ?? 'GET', segments, query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
    origin: originOf(req, s.fallbackOrigin), requestId, note,
    body: () => (bodyPromise ??= readBody(req)),
  };
  let reply: Reply;
  let description = '';
  let close = false;
  try {
    if (badPath !== undefined) throw badPath;
    reply = await route(s, r);
  } catch (e) {
    if (e instanceof ServiceError) {
      reply = errorReply(e, requestId);
      description = e.status === 401 ? 'Unauthorized: no valid bearer token' : e.message;
      close = e.status === 413;
    } else {
      s.log(`internal error on ${r.method} ${raw.slice(0, 200)} (Activity ID ${requestId}): ${e instanceof Error ? e.message : String(e)}`);
      reply = { status: 500, body: { error: { code: 'InternalError', message: `The server hit an internal error (Activity ID: ${requestId})`, innererror: null } } };
      description = 'internal error';
    }
  }
  if (note.operationName === 'Unknown' && reply.status === 401) note.operationName = 'Authentication';
  // A request whose body was not read (refused before its route ran) is drained so the connection can be reused.
  if (bodyPromise === undefined) req.resume();
  s.audit.append(auditEvent(s, r, reply, Math.round(performance.now() - started), description));
  send(res, reply, requestId, close);
}

/** Opens (or creates) the data folder and listens; resolves once the server accepts connections. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const data = openDataDir(opts.dataDir);
  const paths = dataPaths(opts.dataDir);
  const log = opts.log ?? ((): void => undefined);
  const host = opts.host ?? '127.0.0.1';
  let audit: AuditLog | undefined;
  let keys: KeyStore | undefined;
  let server: Server;
  let services: Services;
  try {
    audit = openAuditLog(paths.audit);
    keys = openKeyStore(paths.keys, data.masterKey);
    services = {
      data, audit, log, keys,
      dir: openDirectory(paths),
      tokens: createTokens(data.tokenKey, data.tenantId),
      fallbackOrigin: `https://${urlHost(host)}:${opts.port ?? 8443}`,
    };
    const s = services;
    server = createServer({ cert: data.tls.cert, key: data.tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
      handle(s, req, res).catch((e: unknown) => {
        log(`response failed: ${e instanceof Error ? e.message : String(e)}`);
        res.destroy();
      });
    });
    server.headersTimeout = 20_000;
    server.requestTimeout = 60_000;
    server.on('clientError', (_e, socket) => socket.destroy());
    const srv = server;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(opts.port ?? 8443, host, () => {
        srv.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    keys?.close();
    audit?.close();
    data.unlock();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `https://${urlHost(host)}:${port}`;
  services.fallbackOrigin = url;
  return {
    url, port, data, caPath: paths.ca, adminPath: paths.admin,
    close: () => new Promise<void>((resolve) => {
      server.close(() => {
        services.keys.close();
        services.audit.close();
        data.unlock();
        resolve();
      });
      server.closeIdleConnections();
    }),
  };
}
