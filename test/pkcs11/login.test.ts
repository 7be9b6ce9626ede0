// Login decisions against simulated token answers: SoftHSM and NSS never lock a PIN, so the locked and
// last-try paths are driven by a stand-in for the module (the same calls, the answers a locking HSM gives).
import { describe, expect, it } from 'vitest';
import type { Pkcs11Api } from '../../src/pkcs11/binding.js';
import { CKF_LOGIN_REQUIRED, CKF_PROTECTED_AUTHENTICATION_PATH, CKF_TOKEN_INITIALIZED, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED } from '../../src/pkcs11/constants.js';
import { login, type TokenDescription } from '../../src/pkcs11/session.js';
import { errorOf } from '../helpers/errors.js';

class FakePkcs11Error extends Error {
  override readonly name = 'Pkcs11Error';
  constructor(readonly code: number, name: string) {
    super(name);
  }
}

const BASE_FLAGS = CKF_TOKEN_INITIALIZED | CKF_LOGIN_REQUIRED;

function token(flags: number): TokenDescription {
  return {
    slotId: '1', slotDescription: 's', label: 'prod-hsm', manufacturer: 'm', model: 'x', serial: '1', flags,
    initialized: true, loginRequired: true, pinLocked: (flags & CKF_USER_PIN_LOCKED) !== 0,
  };
}

/** A module whose C_Login answers `answer` and whose token then reports `flagsAfter`. */
function api(answer: [number, string] | 'ok', flagsAfter = BASE_FLAGS): { api: Pkcs11Api; pins: (string | undefined)[] } {
  const pins: (string | undefined)[] = [];
  const a = {
    C_Login(_s: Buffer, _u: number, pin?: string) {
      pins.push(pin);
      if (answer !== 'ok') throw new FakePkcs11Error(answer[0], answer[1]);
    },
    C_GetSlotInfo: () => ({ slotDescription: 's', manufacturerID: 'm', flags: 0 }),
    C_GetTokenInfo: () => ({ label: 'prod-hsm', manufacturerID: 'm', model: 'x', serialNumber: '1', flags: flagsAfter }),
  };
  return { api: a as unknown as Pkcs11Api, pins };
}

const PIN = new TextEncoder().encode('4711');
const b = Buffer.alloc(8);

describe('login', () => {
  it('a token whose user PIN is locked is refused without a login attempt', () => {
    const m = api('ok');
    const e = errorOf(() => login(m.api, b, b, token(BASE_FLAGS | CKF_USER_PIN_LOCKED), PIN));
    expect(e.code).toBe('PKCS11_PIN_LOCKED');
    expect(e.message).toMatch(/security officer must unlock it/);
    expect(m.pins).toEqual([]);
  });

  it('CKR_PIN_LOCKED from C_Login is PKCS11_PIN_LOCKED', () => {
    expect(errorOf(() => login(api([0xa4, 'CKR_PIN_LOCKED']).api, b, b, token(BASE_FLAGS), PIN)).code).toBe('PKCS11_PIN_LOCKED');
  });

  it('a wrong PIN says so, and warns when the token says the next wrong one locks it, or that it is now locked', () => {
    const plain = errorOf(() => login(api([0xa0, 'CKR_PIN_INCORRECT']).api, b, b, token(BASE_FLAGS), PIN));
    expect(plain.code).toBe('PKCS11_PIN_INCORRECT');
    expect(plain.message).not.toMatch(/locks|locked/);
    expect(errorOf(() => login(api([0xa0, 'CKR_PIN_INCORRECT'], BASE_FLAGS | CKF_USER_PIN_FINAL_TRY).api, b, b, token(BASE_FLAGS), PIN)).message).toMatch(/One more wrong PIN locks it/);
    expect(errorOf(() => login(api([0xa0, 'CKR_PIN_INCORRECT'], BASE_FLAGS | CKF_USER_PIN_LOCKED).api, b, b, token(BASE_FLAGS), PIN)).message).toMatch(/The PIN is now locked/);
    for (const e of [plain]) expect(e.message).not.toContain('4711');
  });

  it('no PIN: refused, unless the token has a protected authentication path (PIN pad), which logs in without one', () => {
    expect(errorOf(() => login(api('ok').api, b, b, token(BASE_FLAGS), undefined)).code).toBe('PKCS11_PIN_REQUIRED');
    const pad = api('ok');
    expect(login(pad.api, b, b, token(BASE_FLAGS | CKF_PROTECTED_AUTHENTICATION_PATH), undefined)).toBe(true);
    expect(pad.pins).toEqual([undefined]);
  });

  it('already logged in (another session of this process) is not an error, and is not ours to log out', () => {
    expect(login(api([0x100, 'CKR_USER_ALREADY_LOGGED_IN']).api, b, b, token(BASE_FLAGS), PIN)).toBe(false);
    const ok = api('ok');
    expect(login(ok.api, b, b, token(BASE_FLAGS), PIN)).toBe(true);
    expect(ok.pins).toEqual(['4711']);
  });
});
