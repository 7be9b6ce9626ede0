// Access tokens of `byok serve`: ES256 JWTs (jose) signed with the data folder's token key, shaped like
// Entra ID v1 app tokens (aud, iss, tid, oid, appid, idtyp). A token is good only on the server whose
// key signed it and whose tenant it names; it expires after an hour (Entra's default lifetime).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

export const MHSM_RESOURCE = 'https://managedhsm.azure.net';
export const TOKEN_LIFETIME_SECONDS = 3600;

export interface TokenClaims {
  readonly oid: string;
  readonly appid: string;
  readonly tid: string;
  readonly aud: string;
  readonly exp: number;
}

export interface Tokens {
  issue(p: { clientId: string; objectId: string; resource: string }): Promise<{ token: string; expiresIn: number }>;
  /** The claims of a valid token for `audiences`, or undefined (bad signature, expired, other tenant or audience). */
  verify(token: string, audiences: readonly string[]): Promise<TokenClaims | undefined>;
}

/** `https://x/.default` → `https://x`; a v1 `resource` stays as given, less a trailing slash. */
export function resourceOf(scopeOrResource: string): string {
  return scopeOrResource.replace(/\/\.default$/, '').replace(/\/+$/, '');
}

export function createTokens(key: KeyObject, tenantId: string, lifetimeSeconds = TOKEN_LIFETIME_SECONDS): Tokens {
  const publicKey = createPublicKey(key);
  const issuer = `https://sts.windows.net/${tenantId}/`;
  // Verified tokens, so a client's requests cost one signature check per token, not one per request.
  const verified = new Map<string, TokenClaims>();
  return {
    async issue({ clientId, objectId, resource }) {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ tid: tenantId, oid: objectId, sub: objectId, appid: clientId, appidacr: '1', idtyp: 'app', ver: '1.0' })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(resourceOf(resource))
        .setIssuedAt(now)
        .setNotBefore(now - 300)
        .setExpirationTime(now + lifetimeSeconds)
        .sign(key);
      return { token, expiresIn: lifetimeSeconds };
    },
    async verify(token, audiences) {
      const now = Math.floor(Date.now() / 1000);
      let claims = verified.get(token);
      if (claims === undefined) {
        try {
          const { payload } = await jwtVerify(token, publicKey, { algorithms: ['ES256'], issuer });
          if (payload['tid'] !== tenantId || typeof payload['oid'] !== 'string' || typeof payload['appid'] !== 'string'
            || typeof payload.aud !== 'string' || typeof payload.exp !== 'number') return undefined;
          claims = { oid: payload['oid'], appid: payload['appid'], tid: tenantId, aud: payload.aud, exp: payload.exp };
        } catch {
          return undefined;
        }
        if (verified.size >= 10_000) verified.clear();
        verified.set(token, claims);
      }
      if (claims.exp <= now) {
        verified.delete(token);
        return undefined;
      }
      return audiences.includes(claims.aud) ? claims : undefined;
    },
  };
}
