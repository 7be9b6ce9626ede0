// The token service of `byok serve`: just enough of Entra ID for the real clients to sign in with the
// client-credentials flow and nothing else.
//   GET  /{tenant}/v2.0/.well-known/openid-configuration   what MSAL (@azure/identity) reads first
//   POST /{tenant}/oauth2/v2.0/token                       client_credentials, scope=RESOURCE/.default
//   GET  /{tenant}/discovery/v2.0/keys                     the token key (JWKS)
//   GET  /adfs/.well-known/openid-configuration, POST /adfs/oauth2/token, GET /adfs/discovery/keys
//        the ADFS-style authority an `az` custom cloud (activeDirectory = URL/adfs) and
//        @azure/identity with tenant "adfs" use
//   GET  /subscriptions, GET /tenants                      an empty subscription list and this tenant, so
//                                                          `az login --allow-no-subscriptions` completes
// Errors follow Entra's OAuth shape: { error, error_description: "AADSTS…: …", error_codes, timestamp, trace_id, correlation_id }.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Reply, Request } from './http.js';
import type { Directory } from './principals.js';
import type { Tokens } from './tokens.js';

export interface IdentityRoute {
  readonly operation: string;
  /** Token requests authenticate by their form; /subscriptions needs a bearer token of this server. */
  readonly needsToken: boolean;
  run(r: Request): Promise<Reply>;
}

function oauthError(r: Request, status: number, error: string, code: number, text: string): Reply {
  return {
    status,
    body: {
      error, error_description: `AADSTS${code}: ${text} Trace ID: ${r.requestId} Correlation ID: ${r.requestId} Timestamp: ${new Date().toISOString()}`,
      error_codes: [code], timestamp: new Date().toISOString(), trace_id: r.requestId, correlation_id: r.requestId,
    },
  };
}

function metadata(r: Request, authority: string, tenantId: string, adfs: boolean): Reply {
  const base = `${r.origin}/${authority}`;
  return {
    status: 200,
    body: {
      issuer: adfs ? base : `${base}/v2.0`,
      authorization_endpoint: adfs ? `${base}/oauth2/authorize` : `${base}/oauth2/v2.0/authorize`,
      token_endpoint: adfs ? `${base}/oauth2/token` : `${base}/oauth2/v2.0/token`,
      end_session_endpoint: adfs ? `${base}/oauth2/logout` : `${base}/oauth2/v2.0/logout`,
      jwks_uri: adfs ? `${base}/discovery/keys` : `${base}/discovery/v2.0/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      grant_types_supported: ['client_credentials'],
      response_types_supported: ['token'],
      id_token_signing_alg_values_supported: ['ES256'],
      scopes_supported: ['openid'],
      ...(adfs ? {} : { tenant_region_scope: 'WW', cloud_instance_name: 'byok-serve.local' }),
      tid: tenantId,
    },
  };
}

async function token(r: Request, dir: Directory, tokens: Tokens): Promise<Reply> {
  const raw = await r.body();
  const form = new URLSearchParams(raw.toString('utf8'));
  raw.fill(0); // it carried the client secret
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') {
    return oauthError(r, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${(grant ?? '').slice(0, 40)}': byok serve issues tokens with client_credentials only.`);
  }
  const clientId = form.get('client_id') ?? '';
  const secret = form.get('client_secret');
  if (secret === null) return oauthError(r, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  const scope = (form.get('scope') ?? '').split(' ').find((s) => s !== '' && !['openid', 'profile', 'offline_access'].includes(s));
  const resource = scope ?? form.get('resource') ?? undefined;
  if (resource === undefined || !/^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[^\s]*)?$/.test(resource)) {
    return oauthError(r, 400, 'invalid_scope', 1002012, "The provided value for scope or resource is not valid: ask for RESOURCE/.default, e.g. 'https://managedhsm.azure.net/.default'.");
  }
  r.note.operationName = 'Authentication';
  const p = dir.authenticate(clientId, secret);
  if (!p) {
    return oauthError(r, 401, 'invalid_client', 7000215, `Invalid client secret provided, or no application with identifier '${clientId.slice(0, 40)}' in this tenant. Use the clientId and clientSecret of admin.json or principals/NAME.json.`);
  }
  r.note.caller = { oid: p.objectId, appid: p.clientId };
  const t = await tokens.issue({ clientId: p.clientId, objectId: p.objectId, resource });
  return { status: 200, body: { token_type: 'Bearer', expires_in: t.expiresIn - 1, ext_expires_in: t.expiresIn - 1, access_token: t.token } };
}

function jwks(tokenKey: KeyObject): Reply {
  const jwk = createPublicKey(tokenKey).export({ format: 'jwk' });
  return { status: 200, body: { keys: [{ ...jwk, use: 'sig', alg: 'ES256', kid: 'byok-serve' }] } };
}

export function identityRoute(
  ctx: { tenantId: string; tokenKey: KeyObject; dir: Directory; tokens: Tokens },
  method: string,
  seg: readonly string[],
): IdentityRoute | undefined {
  const path = seg.join('/');
  if (path === 'subscriptions') {
    return method === 'GET' ? { operation: 'SubscriptionList', needsToken: true, run: async () => ({ status: 200, body: { value: [] } }) } : undefined;
  }
  if (path === 'tenants') {
    const body = { value: [{ id: `/tenants/${ctx.tenantId}`, tenantId: ctx.tenantId, displayName: 'byok serve' }] };
    return method === 'GET' ? { operation: 'TenantList', needsToken: true, run: async () => ({ status: 200, body }) } : undefined;
  }
  const [authority] = seg;
  if (authority === undefined) return undefined;
  const adfs = authority === 'adfs';
  const rest = seg.slice(1).join('/');
  const known = adfs || authority === ctx.tenantId;
  const wrongTenant = (r: Request): Reply =>
    oauthError(r, 400, 'invalid_tenant', 90002, `Tenant '${authority.slice(0, 40)}' not found. Use the tenantId of admin.json (${ctx.tenantId}).`);
  if (method === 'GET' && rest === (adfs ? '.well-known/openid-configuration' : 'v2.0/.well-known/openid-configuration')) {
    return { operation: 'Authentication', needsToken: false, run: async (r) => (known ? metadata(r, authority, ctx.tenantId, adfs) : wrongTenant(r)) };
  }
  if (method === 'GET' && rest === (adfs ? 'discovery/keys' : 'discovery/v2.0/keys')) {
    return { operation: 'Authentication', needsToken: false, run: async (r) => (known ? jwks(ctx.tokenKey) : wrongTenant(r)) };
  }
  if (method === 'POST' && rest === (adfs ? 'oauth2/token' : 'oauth2/v2.0/token')) {
    return { operation: 'Authentication', needsToken: false, run: async (r) => (known ? token(r, ctx.dir, ctx.tokens) : wrongTenant(r)) };
  }
  return undefined;
}
