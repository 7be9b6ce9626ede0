// The RFC 7512 parser: every example URI of RFC 7512 §3 with its decoded values, the refusals (pin-value
// first, whatever else is wrong), formatting round trips, redaction, and fuzzing: more than 10,000 inputs
// (random text, mutations of the RFC examples, generated attribute sets) that must either parse or fail
// with a ByokError, never leak a pin-value, and round-trip through formatPkcs11Uri.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { errorOf } from '../helpers/errors.js';
import {
  checkUsable, formatPkcs11Uri, isPkcs11Uri, parsePkcs11Uri, redactPkcs11Uri, type Pkcs11Uri,
} from '../../src/pkcs11/uri.js';

const hex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('hex'));

// RFC 7512 §3 "Examples", joined onto one line each (the RFC wraps them for print).
const RFC_EXAMPLES: readonly [string, Partial<Record<keyof Pkcs11Uri, unknown>> | 'pin-value'][] = [
  ['pkcs11:', {}],
  ['pkcs11:object=my-pubkey;type=public', { object: 'my-pubkey', type: 'public' }],
  ['pkcs11:object=my-key;type=private?pin-source=file:/etc/token', { object: 'my-key', type: 'private', pinSource: '/etc/token' }],
  ['pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=?pin-source=file:/etc/token_pin', {
    token: 'The Software PKCS#11 Softtoken', manufacturer: 'Snake Oil, Inc.', model: '1.0', object: 'my-certificate', type: 'cert',
    id: '69953e5cf4bdec91', serial: '', pinSource: '/etc/token_pin',
  }],
  ['pkcs11:object=my-sign-key;type=private?module-name=mypkcs11', { object: 'my-sign-key', type: 'private', moduleName: 'mypkcs11' }],
  ['pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1', { object: 'my-sign-key', type: 'private', modulePath: '/mnt/libmypkcs11.so.1' }],
  ['pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?pin-value=the-pin', 'pin-value'],
  ['pkcs11:slot-description=Sun%20Metaslot', { slotDescription: 'Sun Metaslot' }],
  ['pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description=Soft%20Token%20Library;library-version=1.23', {
    libraryManufacturer: 'Snake Oil, Inc.', libraryDescription: 'Soft Token Library', libraryVersion: { major: 1, minor: 23 },
  }],
  ['pkcs11:token=My%20token%25%20created%20by%20Joe;library-version=3;id=%01%02%03%Ba%dd%Ca%fe%04%05%06', {
    token: 'My token% created by Joe', libraryVersion: { major: 3, minor: 0 }, id: '010203baddcafe040506',
  }],
  ['pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert', { token: 'A name with a substring %;', object: 'my-certificate', type: 'cert' }],
  ['pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=my-certificate;type=cert', { token: 'Name with a small A with acute: á', object: 'my-certificate', type: 'cert' }],
  ['pkcs11:token=my-token;object=my-certificate;type=cert;vendor-aaa=value-a?pin-source=file:/etc/token_pin&vendor-bbb=value-b', {
    token: 'my-token', object: 'my-certificate', type: 'cert', pinSource: '/etc/token_pin',
    vendor: [{ name: 'vendor-aaa', value: 'value-a', part: 'path' }, { name: 'vendor-bbb', value: 'value-b', part: 'query' }],
  }],
];

describe('RFC 7512 §3 examples', () => {
  it.each(RFC_EXAMPLES.map(([u, want]) => [u.slice(0, 60), u, want] as const))('%s', (_short, uri, want) => {
    if (want === 'pin-value') {
      const err = errorOf(() => parsePkcs11Uri(uri));
      expect(err.code).toBe('PKCS11_PIN_VALUE_REFUSED');
      expect(err.message).toMatch(/pin-source/);
      expect(err.message).toMatch(/BYOK_PKCS11_PIN/);
      expect(err.message).not.toContain('the-pin');
      return;
    }
    const u = parsePkcs11Uri(uri);
    const got: Record<string, unknown> = { ...u, id: hex(u.id) };
    for (const [k, v] of Object.entries(want)) expect(got[k], k).toEqual(v);
    // nothing else was set
    for (const k of Object.keys(u)) if (k !== 'vendor' && u[k as keyof Pkcs11Uri] !== undefined) expect(Object.keys(want)).toContain(k);
    if (!('vendor' in want)) expect(u.vendor).toEqual([]);
  });

  it('vendor attributes parse but are refused when the URI picks a token or key (they would widen the match if ignored)', () => {
    const u = parsePkcs11Uri(RFC_EXAMPLES[12]![0]);
    expect(() => checkUsable(u)).toThrow(/vendor attribute "vendor-aaa"/);
    expect(() => checkUsable(parsePkcs11Uri('pkcs11:token=a;object=b'))).not.toThrow();
  });
});

describe('refusals', () => {
  const cases: [string, string, RegExp][] = [
    ['not pkcs11', 'pkcs12:token=a', /start with "pkcs11:"/],
    ['duplicate path attribute', 'pkcs11:token=a;token=b', /appears twice/],
    ['duplicate query attribute', 'pkcs11:?module-path=/a&module-path=/b', /appears twice/],
    ['empty attribute', 'pkcs11:token=a;;object=b', /empty attribute/],
    ['no =', 'pkcs11:token', /without "name=value"/],
    ['bad percent', 'pkcs11:token=a%2', /two hex digits/],
    ['bad percent hex', 'pkcs11:token=a%zz', /two hex digits/],
    ['raw space', 'pkcs11:token=a b', /a space.*%20/],
    ['raw slash in path', 'pkcs11:token=a/b', /"\/"/],
    ['raw # anywhere', 'pkcs11:token=a#b', /%23/],
    ['non-ASCII raw', 'pkcs11:token=á', /U\+00E1/],
    ['invalid UTF-8', 'pkcs11:token=%C3', /not UTF-8/],
    ['bad type', 'pkcs11:type=secret', /one of public, private, cert, secret-key, data/],
    ['slot-id not decimal', 'pkcs11:slot-id=0x1', /decimal/],
    ['slot-id over 64 bits', 'pkcs11:slot-id=18446744073709551616', /decimal/],
    ['library-version', 'pkcs11:library-version=1.2.3', /MAJOR/],
    ['relative module-path', 'pkcs11:?module-path=lib.so', /absolute/],
    ['module-name with folder', 'pkcs11:?module-name=a/b', /bare module name/],
    ['pin-source relative', 'pkcs11:?pin-source=pin.txt', /file: URI or an absolute path/],
    ['pin-source remote host', 'pkcs11:?pin-source=file://host/pin', /another host/],
    ['pin-source other scheme', 'pkcs11:?pin-source=https://x/pin', /file: URI/],
    ['query attribute in path', 'pkcs11:module-path=/x', /query attribute/],
    ['path attribute in query', 'pkcs11:?token=x', /path attribute/],
    ['bad attribute name', 'pkcs11:tok.en=x', /letters, digits/],
    ['too long', `pkcs11:token=${'a'.repeat(5000)}`, /longer than/],
  ];
  it.each(cases)('%s', (_name, uri, re) => {
    const err = errorOf(() => parsePkcs11Uri(uri));
    expect(err.code).toBe('PKCS11_URI_INVALID');
    expect(err.message).toMatch(re);
    expect(err.message).not.toMatch(/\n/);
  });

  it('pin-value is refused first, in any case and either part, even when the URI is otherwise broken', () => {
    for (const uri of [
      'pkcs11:token=a?pin-value=s3cr3t-PIN',
      'pkcs11:token=a%zz?pin-value=s3cr3t-PIN',
      'pkcs11:token=a?PIN-VALUE=s3cr3t-PIN',
      'pkcs11:token=a?pin%2Dvalue=s3cr3t-PIN',
      'pkcs11:pin-value=s3cr3t-PIN',
      'pkcs11:token=a?pin-source=file:/p&pin-value=s3cr3t-PIN',
      `pkcs11:token=${'x'.repeat(5000)}?pin-value=s3cr3t-PIN`,
    ]) {
      const err = errorOf(() => parsePkcs11Uri(uri));
      expect(err.code, uri.slice(0, 60)).toBe('PKCS11_PIN_VALUE_REFUSED');
      expect(err.message).not.toContain('s3cr3t');
      expect(redactPkcs11Uri(uri)).not.toContain('s3cr3t');
    }
  });

  it('accepts the forms a pin-source file can take, and both percent-encoding cases', () => {
    expect(parsePkcs11Uri('pkcs11:?pin-source=/run/pin').pinSource).toBe('/run/pin');
    expect(parsePkcs11Uri('pkcs11:?pin-source=file:///run/pin').pinSource).toBe('/run/pin');
    expect(parsePkcs11Uri('pkcs11:?pin-source=file://localhost/run/pin').pinSource).toBe('/run/pin');
    expect(parsePkcs11Uri('pkcs11:?pin-source=file:/run/my%2520pin').pinSource).toBe('/run/my pin');
    expect(hex(parsePkcs11Uri('pkcs11:id=%aB%Cd').id)).toBe('abcd');
    expect(parsePkcs11Uri('PKCS11:token=a').token).toBe('a');
    expect(isPkcs11Uri('PkCs11:x')).toBe(true);
    expect(isPkcs11Uri('./pkcs11:x')).toBe(false);
  });
});

describe('formatting and redaction', () => {
  it('formatPkcs11Uri round-trips through the parser (id fully percent-encoded)', () => {
    const parts = {
      token: 'prod hsm; #1 & co', manufacturer: 'Snake Oil, Inc.', serial: '0001', object: 'signing/2024 é', id: Uint8Array.from([0, 0x41, 0xff]),
      type: 'private' as const, slotId: 18446744073709551615n, modulePath: '/opt/lib/libp11.so', pinSource: '/run/my pin',
    };
    const text = formatPkcs11Uri(parts);
    expect(text).toMatch(/id=%00%41%FF/);
    const back = parsePkcs11Uri(text);
    expect({ ...back, id: hex(back.id) }).toEqual({ ...parts, id: '0041ff', vendor: [] });
  });

  it('redactPkcs11Uri removes pin-value and nothing else', () => {
    expect(redactPkcs11Uri('pkcs11:token=a;object=b?module-path=/x&pin-value=1234&x=y')).toBe('pkcs11:token=a;object=b?module-path=/x&pin-value=(removed)&x=y');
    expect(redactPkcs11Uri('pkcs11:token=a?pin-source=file:/p')).toBe('pkcs11:token=a?pin-source=file:/p');
    expect(redactPkcs11Uri('keys/a.pem')).toBe('keys/a.pem');
  });
});

// ---- fuzzing: > 10,000 inputs in total ----

const RUNS = 4_000;

function parsesOrByokError(text: string): 'ok' | string {
  try {
    parsePkcs11Uri(text);
    return 'ok';
  } catch (e) {
    if (!(e instanceof ByokError)) throw new Error(`non-ByokError for ${JSON.stringify(text.slice(0, 80))}: ${String(e)}`);
    if (e.message.includes('\n')) throw new Error('multi-line message');
    return e.code;
  }
}

describe(`fuzzing (${RUNS * 3} inputs)`, () => {
  const ALPHABET = [...'abcXYZ019-._~:[]@!$&\'()*+,=/?|;%# é\u0000'];
  const chunk = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 24 }).map((a) => a.join(''));

  it(`${RUNS} random strings after "pkcs11:": parse or a ByokError, never anything else`, () => {
    const codes = new Map<string, number>();
    fc.assert(fc.property(fc.oneof(chunk, fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 30 })), (tail) => {
      const c = parsesOrByokError(`pkcs11:${tail}`);
      codes.set(c, (codes.get(c) ?? 0) + 1);
    }), { numRuns: RUNS });
    console.log(`random URIs: ${JSON.stringify(Object.fromEntries(codes))}`);
    expect(codes.get('ok') ?? 0).toBeGreaterThan(0);
    expect(codes.get('PKCS11_URI_INVALID') ?? 0).toBeGreaterThan(0);
  });

  it(`${RUNS} mutations of the RFC examples with a secret pin-value spliced in: the secret never appears in any message`, () => {
    const SECRET = 'Zq9-SECRET-77';
    let refused = 0;
    fc.assert(fc.property(
      fc.constantFrom(...RFC_EXAMPLES.map(([u]) => u)), fc.nat(), fc.nat(), chunk, fc.boolean(),
      (seed, at, cut, insert, pinFirst) => {
        const base = seed.slice(0, at % (seed.length + 1)) + insert + seed.slice((at % (seed.length + 1)) + (cut % 4));
        const withPin = pinFirst ? `${base.split('?')[0]}?pin-value=${SECRET}&${base.split('?').slice(1).join('?')}` : `${base}${base.includes('?') ? '&' : '?'}pin-value=${SECRET}`;
        let msg = '';
        try {
          parsePkcs11Uri(withPin);
        } catch (e) {
          if (!(e instanceof ByokError)) throw e;
          msg = e.message;
          if (e.code === 'PKCS11_PIN_VALUE_REFUSED') refused++;
        }
        expect(msg).not.toContain(SECRET);
        // Redaction is defined for PKCS#11 URIs; a mutation may have broken the scheme (then it is a file name).
        if (isPkcs11Uri(withPin)) expect(redactPkcs11Uri(withPin)).not.toContain(SECRET);
        parsesOrByokError(base);
      },
    ), { numRuns: RUNS });
    console.log(`mutated RFC examples with pin-value: ${refused} of ${RUNS} refused as pin-value (the rest broke the scheme or the attribute name)`);
    expect(refused).toBeGreaterThan(RUNS / 2);
  });

  it(`${RUNS} generated attribute sets: format → parse gives the same attributes`, () => {
    const text = fc.string({ maxLength: 20 });
    const gen = fc.record({
      token: fc.option(text, { nil: undefined }), manufacturer: fc.option(text, { nil: undefined }), serial: fc.option(text, { nil: undefined }),
      model: fc.option(text, { nil: undefined }), object: fc.option(fc.string({ unit: 'binary', maxLength: 10 }), { nil: undefined }),
      id: fc.option(fc.uint8Array({ maxLength: 12 }), { nil: undefined }),
      type: fc.option(fc.constantFrom('public', 'private', 'cert', 'secret-key', 'data' as const), { nil: undefined }),
      slotId: fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { nil: undefined }),
      libraryVersion: fc.option(fc.record({ major: fc.nat(255), minor: fc.nat(255) }), { nil: undefined }),
      modulePath: fc.option(text.map((t) => `/${t}`), { nil: undefined }),
      pinSource: fc.option(text.map((t) => `/${t}`), { nil: undefined }),
    });
    fc.assert(fc.property(gen, (parts) => {
      const defined = Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== undefined));
      const back = parsePkcs11Uri(formatPkcs11Uri(defined));
      const got = Object.fromEntries(Object.entries(back).filter(([k, v]) => v !== undefined && k !== 'vendor'));
      expect({ ...got, id: hex(back.id) }).toEqual({ ...defined, id: hex(parts.id) });
    }), { numRuns: RUNS });
  });
});
