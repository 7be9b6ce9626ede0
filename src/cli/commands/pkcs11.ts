// `byok pkcs11 list [URI]`: the tokens of a PKCS#11 module, then the keys of one token with what decides
// whether each can be wrapped out and which clouds import its type.
import { ByokError } from '../../errors.js';
import { listPkcs11, type ListedKey, type Pkcs11Listing } from '../../pkcs11/index.js';
import type { CommandSpec } from '../args.js';
import { kv, type Command, type Ctx } from '../context.js';
import { EXIT_OK } from '../exit-codes.js';
import { cliPin, MODULE_ENV, moduleDefault, PIN_ENV, withTokenCleanup } from '../pkcs11.js';

const spec: CommandSpec = {
  name: 'pkcs11',
  summary: 'list the tokens and keys of a PKCS#11 module (byok pkcs11 list [URI])',
  usage: ['byok pkcs11 list [pkcs11:URI]'],
  description:
    'Lists the tokens of the module the URI names (module-path=… or module-name=…, else ' + MODULE_ENV + '),\n' +
    'then the private and secret keys of the token it selects (or of the only token): type, size or\n' +
    'curve, label, id, CKA_EXTRACTABLE / CKA_WRAP_WITH_TRUSTED / CKA_NEVER_EXTRACTABLE, whether byok\n' +
    'can wrap it out, which clouds import its type, and a URI naming exactly that key for --key.\n' +
    'Private keys are shown after login: PIN from pin-source in the URI, ' + PIN_ENV + ', or a prompt.',
  options: {},
  positionals: ['list', 'URI?'],
  examples: [
    'byok pkcs11 list "pkcs11:?module-path=/usr/lib/softhsm/libsofthsm2.so"',
    'byok pkcs11 list "pkcs11:token=prod-hsm?module-path=/opt/vendor/lib/libpkcs11.so&pin-source=file:/run/pin"',
  ],
};

function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}

function keyLines(k: ListedKey): string[] {
  const what = k.kind === 'rsa' ? `RSA-${k.bits ?? '?'}` : k.kind === 'ec' ? `EC ${k.curve ?? '?'}` : k.kind === 'oct' ? `AES-${k.bits ?? '?'}`
    : `${k.keyType}${k.curve === undefined ? '' : ` ${k.curve}`}${k.bits === undefined ? '' : ` ${k.bits}-bit`}`;
  return [
    `  ${k.label === undefined ? '(no label)' : JSON.stringify(k.label)}  ${what} ${k.class} key, id ${k.id === '' ? '(empty)' : k.id}`,
    ...kv([
      ['extractable', `${yesNo(k.extractable)}; wrap with trusted only: ${yesNo(k.wrapWithTrusted)}; never extractable: ${yesNo(k.neverExtractable)}; sensitive: ${yesNo(k.sensitive)}`],
      ['wrap out', k.wrappable ? 'yes' : `no (${k.why ?? 'refused'})`],
      ['clouds', k.clouds.length === 0 ? 'none' : k.clouds.join(', ')],
      ['URI', k.uri],
    ], '      '),
  ];
}

function print(ctx: Ctx, l: Pkcs11Listing): void {
  ctx.say(`Module  ${l.module.path}: ${l.module.description} ${l.module.version} (${l.module.manufacturer}), Cryptoki ${l.module.cryptokiVersion}`);
  ctx.say(`Tokens  ${l.tokens.length === 0 ? 'none' : ''}`);
  for (const t of l.tokens) {
    const state = !t.initialized ? 'not initialized' : t.pinLocked ? 'user PIN locked' : t.loginRequired ? 'login required' : 'no login';
    ctx.say(`  slot ${t.slotId}: ${t.initialized ? JSON.stringify(t.label) : '(empty)'} ${t.model} (${t.manufacturer}), serial ${t.serial || '(none)'}, ${state}`);
  }
  if (l.token !== undefined && l.keys !== undefined) {
    ctx.say();
    ctx.say(`Keys of ${JSON.stringify(l.token.label)}${l.loggedIn ? '' : ' (not logged in)'}: ${l.keys.length === 0 ? 'none' : ''}`);
    for (const k of l.keys) for (const line of keyLines(k)) ctx.say(line);
  }
  for (const n of l.notes) ctx.say(`Note: ${n}`);
}

export const pkcs11Command: Command = {
  spec,
  async run(args, ctx) {
    const [sub, uri] = args.positionals;
    if (sub !== 'list') throw new ByokError('USAGE', `unknown pkcs11 subcommand ${JSON.stringify((sub ?? '').slice(0, 20))}: the one subcommand is list (byok pkcs11 list [URI])`);
    const listing = await withTokenCleanup(() => listPkcs11(uri ?? 'pkcs11:', { pin: cliPin(ctx), ...moduleDefault(ctx) }));
    print(ctx, listing);
    return { exitCode: EXIT_OK, json: { ...listing } };
  },
};
