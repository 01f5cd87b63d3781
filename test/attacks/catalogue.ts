// The attack catalogue: named hostile requests against both functions and the contract answer each
// must get (docs/http-api.md, "Error codes"). Data only; interpret.ts gives each recipe its meaning and
// catalogue.test.ts runs every case as its own test. Cases marked "found:" failed before the fix
// named in docs/security-findings.md.
import type { AttackCase } from './recipe.ts'

const ZEROS = '00'.repeat(32)
/** Ed25519 point encodings of small order (libsodium's blocklist), and non-canonical y ≥ p. */
const SMALL = {
  identity: '01' + '00'.repeat(31),
  zeroY: ZEROS,
  zeroYNegative: '00'.repeat(31) + '80',
  order8: '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  minusOne: 'ec' + 'ff'.repeat(30) + '7f',
  pAsY: 'ed' + 'ff'.repeat(30) + '7f',
  pPlusOne: 'ee' + 'ff'.repeat(30) + '7f',
  maxY: 'ff'.repeat(31) + '7f',
}
/** R ‖ S with S = 0: satisfies [S]B = R + [k]A for every message when A and R have small order. */
const forged = (r: string) => ({ hex: r + ZEROS })
const PREVIEWS = { ALLOWED_ORIGINS: 'https://deploy-preview-*--site.netlify.app' }
const VALID_TOKEN_BODY = '{"envelope":{{envelope}},"signature":{{signature}}}'
const bad = (code: 'invalid_request') => ({ status: 400, code })

/** Every case; names are unique. */
export const CATALOGUE: AttackCase[] = [
  // ── Hostile JSON ────────────────────────────────────────────────────────────────────────────
  ...(
    [
      ['an empty body', { none: true }, 400, 'invalid_request'],
      ['whitespace only', { text: ' \n\t ' }, 400, 'invalid_request'],
      [
        'a UTF-8 BOM before valid JSON (RFC 8259 §8.1: may be ignored)',
        { text: '\ufeff{"pubkey":"{{pubkey}}"}' },
        200,
      ],
      ['two BOMs', { text: '\ufeff\ufeff{"pubkey":"{{pubkey}}"}' }, 400, 'invalid_request'],
      ['UTF-16LE with BOM', { hex: 'fffe7b0022007d00' }, 400, 'invalid_request'],
      [
        'duplicate keys, valid one last (JSON.parse: last wins)',
        { text: '{"pubkey":"nope","pubkey":"{{pubkey}}"}' },
        200,
      ],
      [
        'duplicate keys, valid one first',
        { text: '{"pubkey":"{{pubkey}}","pubkey":"nope"}' },
        400,
        'invalid_pubkey',
      ],
      [
        'a number too big for a double as pubkey',
        { text: '{"pubkey":1e400}' },
        400,
        'invalid_request',
      ],
      [
        'a 4000-digit integer as pubkey',
        { repeat: '9', times: 4000, prefix: '{"pubkey":', suffix: '}' },
        400,
        'invalid_request',
      ],
      [
        '10,000 levels of nesting (over the size limit)',
        { repeat: '[', times: 10_000, prefix: '{"pubkey":', suffix: ']'.repeat(10_000) + '}' },
        413,
        'payload_too_large',
      ],
      [
        '4,000 balanced levels of nesting within 8 KiB',
        { repeat: '[', times: 4000, prefix: '{"pubkey":', suffix: ']'.repeat(4000) + '}' },
        400,
        'invalid_request',
      ],
      ['8,000 unclosed brackets', { repeat: '[', times: 8000 }, 400, 'invalid_request'],
      [
        'a raw NUL byte inside a string',
        { hex: '7b227075626b6579223a2200227d' },
        400,
        'invalid_request',
      ],
      [
        'a raw NUL byte after the object',
        { text: '{"pubkey":"{{pubkey}}"}\u0000' },
        400,
        'invalid_request',
      ],
      [
        'an escaped NUL after the key',
        { text: '{"pubkey":"{{pubkey}}\\u0000"}' },
        400,
        'invalid_pubkey',
      ],
      ['an escaped lone surrogate', { text: '{"pubkey":"\\ud800"}' }, 400, 'invalid_pubkey'],
      [
        'a lone surrogate as raw bytes (CESU-8)',
        { hex: '7b227075626b6579223a22eda080227d' },
        400,
        'invalid_request',
      ],
      [
        'an overlong UTF-8 slash',
        { hex: '7b227075626b6579223a22c0af227d' },
        400,
        'invalid_request',
      ],
      [
        'trailing garbage after the object',
        { text: '{"pubkey":"{{pubkey}}"}x' },
        400,
        'invalid_request',
      ],
      [
        'two concatenated objects',
        { text: '{"pubkey":"{{pubkey}}"}{"pubkey":"{{pubkey}}"}' },
        400,
        'invalid_request',
      ],
      ['a JSON number body', { text: '42' }, 400, 'invalid_request'],
      ['JSON with comments', { text: '{"pubkey":"{{pubkey}}" /* hi */}' }, 400, 'invalid_request'],
      ['single-quoted JSON5', { text: "{pubkey:'{{pubkey}}'}" }, 400, 'invalid_request'],
      [
        'the key name escaped (\\u0070ubkey is pubkey)',
        { text: '{"\\u0070ubkey":"{{pubkey}}"}' },
        200,
      ],
    ] as const
  ).map(([name, body, status, code]): AttackCase => ({
    name: `hostile JSON: ${name}`,
    endpoint: 'challenge',
    build: { kind: 'request', body },
    expect: code ? { status, code } : { status },
  })),

  // ── Prototype pollution (the runner also checks Object.prototype afterwards) ────────────────
  {
    name: 'pollution: __proto__ beside a valid pubkey',
    endpoint: 'challenge',
    build: {
      kind: 'request',
      body: { text: '{"__proto__":{"polluted":1},"pubkey":"{{pubkey}}"}' },
    },
    expect: { status: 200 },
  },
  {
    name: 'pollution: constructor.prototype beside a valid pubkey',
    endpoint: 'challenge',
    build: {
      kind: 'request',
      body: { text: '{"constructor":{"prototype":{"polluted":1}},"pubkey":"{{pubkey}}"}' },
    },
    expect: { status: 200 },
  },
  {
    name: 'pollution: a top-level prototype key',
    endpoint: 'challenge',
    build: {
      kind: 'request',
      body: { text: '{"prototype":{"pubkey":"x"},"pubkey":"{{pubkey}}"}' },
    },
    expect: { status: 200 },
  },
  {
    name: 'pollution: pubkey named __proto__',
    endpoint: 'challenge',
    build: { kind: 'request', body: { text: '{"pubkey":"__proto__"}' } },
    expect: { status: 400, code: 'invalid_pubkey' },
  },
  {
    name: 'pollution: pubkey as an object with its own __proto__',
    endpoint: 'challenge',
    build: { kind: 'request', body: { text: '{"pubkey":{"__proto__":{"toString":1}}}' } },
    expect: bad('invalid_request'),
  },
  {
    name: 'pollution: envelope and signature only under __proto__',
    endpoint: 'token',
    build: {
      kind: 'login',
      body: '{"__proto__":{"envelope":{{envelope}},"signature":{{signature}}}}',
    },
    expect: bad('invalid_request'),
  },
  {
    name: 'pollution: nested __proto__ and constructor beside a valid login',
    endpoint: 'token',
    build: {
      kind: 'login',
      body: '{"envelope":{{envelope}},"signature":{{signature}},"x":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}}',
    },
    expect: { status: 200 },
  },
  {
    name: 'pollution: a top-level constructor key with a valid login',
    endpoint: 'token',
    build: {
      kind: 'login',
      body: '{"constructor":{"name":"x"},"envelope":{{envelope}},"signature":{{signature}}}',
    },
    expect: { status: 200 },
  },

  // ── Sizes and streams ───────────────────────────────────────────────────────────────────────
  {
    name: 'size: a 1 MiB body',
    endpoint: 'token',
    build: { kind: 'request', body: { repeat: ' ', times: 1 << 20, prefix: '{}' } },
    expect: { status: 413, code: 'payload_too_large' },
  },
  {
    name: 'size: a streamed body of 9 × 1 KiB',
    endpoint: 'challenge',
    build: { kind: 'request', body: { stream: { chunkBytes: 1024, chunks: 9 } } },
    expect: { status: 413, code: 'payload_too_large' },
  },
  {
    name: 'size: a valid body streamed one byte at a time',
    endpoint: 'challenge',
    build: {
      kind: 'request',
      body: { stream: { chunkBytes: 1, chunks: 0, text: '{"pubkey":"{{pubkey}}"}' } },
    },
    expect: { status: 200 },
  },
  {
    // found: a body stream that errors (client gone mid-upload) was a 500 internal_error.
    name: 'size: a streamed body the client aborts mid-way',
    endpoint: 'challenge',
    build: { kind: 'request', body: { stream: { chunkBytes: 512, chunks: 2, abort: true } } },
    expect: bad('invalid_request'),
  },
  {
    name: 'size: an aborted stream on the token endpoint',
    endpoint: 'token',
    build: { kind: 'request', body: { stream: { chunkBytes: 1, chunks: 1, abort: true } } },
    expect: bad('invalid_request'),
  },
  {
    name: 'size: Content-Length written in hex (0x2001 = 8193)',
    endpoint: 'challenge',
    build: { kind: 'request', headers: { 'content-length': '0x2001' } },
    expect: { status: 413, code: 'payload_too_large' },
  },

  // ── Methods and media types ─────────────────────────────────────────────────────────────────
  ...(['challenge', 'token'] as const).flatMap((endpoint): AttackCase[] => [
    {
      name: 'media: text/plain simple request from a foreign origin (CSRF shape)',
      endpoint,
      build: {
        kind: 'request',
        headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      },
      expect: { status: 403, code: 'origin_not_allowed' },
    },
    {
      name: 'media: text/plain with a JSON body, same origin',
      endpoint,
      build: { kind: 'request', headers: { 'content-type': 'text/plain;charset=UTF-8' } },
      expect: { status: 415, code: 'unsupported_media_type' },
    },
    {
      name: 'media: application/json-seq',
      endpoint,
      build: { kind: 'request', headers: { 'content-type': 'application/json-seq' } },
      expect: { status: 415, code: 'unsupported_media_type' },
    },
    {
      name: 'media: two content types in one header (json first)',
      endpoint,
      build: { kind: 'request', appendHeaders: [['content-type', 'text/plain']] },
      expect: { status: 415, code: 'unsupported_media_type' },
    },
    {
      name: 'media: application/problem+json',
      endpoint,
      build: { kind: 'request', headers: { 'content-type': 'application/problem+json' } },
      expect: { status: 415, code: 'unsupported_media_type' },
    },
    {
      name: 'media: multipart/form-data',
      endpoint,
      build: { kind: 'request', headers: { 'content-type': 'multipart/form-data; boundary=x' } },
      expect: { status: 415, code: 'unsupported_media_type' },
    },
    {
      name: 'method: HEAD',
      endpoint,
      build: { kind: 'request', method: 'HEAD', body: { none: true } },
      expect: { status: 405, code: 'method_not_allowed' },
    },
    {
      name: 'method: an unknown method with a JSON body',
      endpoint,
      build: { kind: 'request', method: 'PROPFIND' },
      expect: { status: 405, code: 'method_not_allowed' },
    },
    {
      name: 'method: X-HTTP-Method-Override on a GET',
      endpoint,
      build: {
        kind: 'request',
        method: 'GET',
        headers: { 'x-http-method-override': 'POST' },
        body: { none: true },
      },
      expect: { status: 405, code: 'method_not_allowed' },
    },
  ]),
  {
    name: 'media: upper-case media type with a charset parameter',
    endpoint: 'challenge',
    build: { kind: 'request', headers: { 'content-type': 'APPLICATION/JSON;Charset=utf-8' } },
    expect: { status: 200 },
  },
  {
    name: 'method: lower-case post (fetch normalises it)',
    endpoint: 'challenge',
    build: { kind: 'request', method: 'post' },
    expect: { status: 200 },
  },

  // ── Origins ─────────────────────────────────────────────────────────────────────────────────
  ...(
    [
      ['suffix trick', 'https://site.example.evil.example', {}],
      ['prefix trick', 'https://evilsite.example', {}],
      ['scheme swap', 'http://site.example', {}],
      ['explicit default port', 'https://site.example:443', {}],
      ['another port', 'https://site.example:8443', {}],
      ['upper-case host', 'https://SITE.EXAMPLE', {}],
      ['a trailing slash', 'https://site.example/', {}],
      ['userinfo', 'https://user@site.example', {}],
      [
        'a wildcard stretched past the host',
        'https://deploy-preview-1--site.netlify.app.evil.example',
        PREVIEWS,
      ],
      ['a wildcard spanning a dot', 'https://deploy-preview-1.evil--site.netlify.app', PREVIEWS],
      // found: `*` matched `1--evil`, so another Netlify site named `evil--site` passed.
      [
        'a wildcard spanning the -- site separator',
        'https://deploy-preview-1--evil--site.netlify.app',
        PREVIEWS,
      ],
      ['a wildcard origin over http', 'http://deploy-preview-1--site.netlify.app', PREVIEWS],
      ['a literal star', 'https://deploy-preview-*--site.netlify.app', PREVIEWS],
    ] as const
  ).map(([name, origin, env]): AttackCase => ({
    name: `origin: ${name}`,
    endpoint: 'challenge',
    build: { kind: 'request', env, headers: { origin } },
    expect: { status: 403, code: 'origin_not_allowed' },
  })),
  {
    name: 'origin: two Origin headers',
    endpoint: 'challenge',
    build: {
      kind: 'request',
      headers: { origin: 'https://site.example' },
      appendHeaders: [['origin', 'https://evil.example']],
    },
    expect: { status: 403, code: 'origin_not_allowed' },
  },
  {
    name: 'origin: a preflight from a suffix-trick origin',
    endpoint: 'token',
    build: {
      kind: 'request',
      method: 'OPTIONS',
      headers: { origin: 'https://site.example.evil.example' },
      body: { none: true },
    },
    expect: { status: 403, code: 'origin_not_allowed' },
  },
  {
    name: 'origin: envelope issued to no origin, redeemed by the site origin',
    endpoint: 'token',
    build: { kind: 'login', tokenOrigin: 'https://site.example' },
    expect: { status: 403, code: 'origin_not_allowed' },
  },
  {
    name: 'origin: envelope redeemed from the opaque origin null',
    endpoint: 'token',
    build: { kind: 'login', origin: 'https://site.example', tokenOrigin: 'null' },
    expect: { status: 403, code: 'origin_not_allowed' },
  },
  {
    name: 'origin: envelope of one deploy preview redeemed by another',
    endpoint: 'token',
    build: {
      kind: 'login',
      env: PREVIEWS,
      origin: 'https://deploy-preview-1--site.netlify.app',
      tokenOrigin: 'https://deploy-preview-2--site.netlify.app',
    },
    expect: { status: 403, code: 'origin_not_allowed' },
  },
  {
    name: 'origin: a valid login from an allowed deploy preview',
    endpoint: 'token',
    build: { kind: 'login', env: PREVIEWS, origin: 'https://deploy-preview-7--site.netlify.app' },
    expect: { status: 200 },
  },

  // ── Keys ────────────────────────────────────────────────────────────────────────────────────
  ...(
    [
      ['multibase B (upper-case base32)', { identity: 'multibase-B' }],
      ['non-zero padding bits in the last character', { identity: 'tail-bits' }],
      // found: overlong varints decoded to the same key under a second spelling.
      ['an overlong type varint (same key, second spelling)', { identity: 'overlong-type-varint' }],
      [
        'an overlong length varint (same key, second spelling)',
        { identity: 'overlong-length-varint' },
      ],
      [
        'an extra protobuf field after the key',
        {
          proto:
            '080112200000000000000000000000000000000000000000000000000000000000000000' + '1801',
        },
      ],
      ['fields in reverse order', { proto: '1220' + '11'.repeat(32) + '0801' }],
      ['a hex multibase string', { literal: 'f080112' + '20' + '11'.repeat(32) }],
      ['a 2049-character key', { literal: 'b' + 'a'.repeat(2048) }],
      ['an Ed25519 key of zero bytes', { proto: '08011200' }],
      // found: small-order points let an all-zero-S signature verify (see the small order cases).
      ['the identity point', { raw: SMALL.identity }],
      ['the point of order 2 (y = -1)', { raw: SMALL.minusOne }],
      ['a point of order 4 (y = 0)', { raw: SMALL.zeroY }],
      ['a point of order 8', { raw: SMALL.order8 }],
      ['a non-canonical y = p', { raw: SMALL.pAsY }],
      ['a non-canonical y = p + 1 (the identity again)', { raw: SMALL.pPlusOne }],
      ['a non-canonical y = 2^255 - 1', { raw: SMALL.maxY }],
    ] as const
  ).map(([name, pubkey]): AttackCase => ({
    name: `pubkey: ${name}`,
    endpoint: 'challenge',
    build: { kind: 'request', pubkey },
    expect: { status: 400, code: 'invalid_pubkey' },
  })),
  {
    name: 'pubkey: an ECDSA key with a two-byte length varint',
    endpoint: 'challenge',
    build: { kind: 'request', pubkey: { proto: '0803128001' + '30'.repeat(128) } },
    expect: { status: 400, code: 'unsupported_key_type' },
  },

  // ── Allowlist bypass (ALLOWED_PUBKEYS = the identity, or a policy refusing it) ───────────────
  ...(
    [
      ['upper case', 'uppercase', 'invalid_pubkey'],
      ['a leading space', 'leading-space', 'invalid_pubkey'],
      ['a trailing newline', 'trailing-newline', 'invalid_pubkey'],
      ['one trailing character', 'append-a', 'invalid_pubkey'],
      ['two trailing characters (a whole extra zero byte)', 'append-aa', 'invalid_pubkey'],
      ['a zero-width space', 'zero-width-suffix', 'invalid_pubkey'],
      ['an overlong varint of the allowed key', 'overlong-type-varint', 'invalid_pubkey'],
    ] as const
  ).map(([name, transform, code]): AttackCase => ({
    name: `allowlist: ${name}`,
    endpoint: 'challenge',
    build: { kind: 'request', allowIdentity: true, pubkey: { identity: transform } },
    expect: { status: 400, code },
  })),
  {
    name: 'allowlist: the allowed key itself',
    endpoint: 'challenge',
    build: { kind: 'request', allowIdentity: true },
    expect: { status: 200 },
  },
  {
    // found: before keys were canonical, this second spelling got credentials past the hook.
    name: 'allowlist: a denylist policy dodged with an overlong varint spelling',
    endpoint: 'token',
    build: { kind: 'login', denyIdentity: true, pubkey: { identity: 'overlong-length-varint' } },
    expect: { status: 400, code: 'invalid_pubkey' },
  },
  {
    name: 'allowlist: a denylist policy refuses the canonical spelling',
    endpoint: 'token',
    build: { kind: 'login', denyIdentity: true },
    expect: { status: 403, code: 'pubkey_not_allowed' },
  },

  // ── Small-order keys through a real challenge. found: with S = 0 the identity point (and its
  // second spelling y = p + 1) got credentials for every message; order 2, 4, 8 for 1 in 2, 4, 8.
  ...(
    [
      ['the identity point, R = identity', SMALL.identity, SMALL.identity],
      ['order 2, R = identity (1 message in 2)', SMALL.minusOne, SMALL.identity],
      ['order 4 (negative zero), R = 0 (1 in 4)', SMALL.zeroYNegative, SMALL.zeroY],
      ['order 8, R = 0 (1 in 8)', SMALL.order8, SMALL.zeroY],
      ['non-canonical p + 1, R = identity', SMALL.pPlusOne, SMALL.identity],
    ] as const
  ).map(([name, key, r]): AttackCase => ({
    name: `small order: forged proof for ${name}`,
    endpoint: 'token',
    build: { kind: 'login', pubkey: { raw: key }, signature: forged(r) },
    expect: { status: 400, code: 'invalid_pubkey' },
  })),

  // ── Envelope tampering ──────────────────────────────────────────────────────────────────────
  ...(
    [
      ['version ttp2', { segment: 0, to: 'ttp2' }],
      ['version upper case', { segment: 0, to: 'TTP1' }],
      ['an unknown key id', { segment: 1, to: 'AAAAAAAA' }],
      ['an empty key id', { segment: 1, to: '' }],
      ['the first payload character', { flip: 14 }],
      ['the last MAC character', { flip: -1 }],
      ['the first MAC character', { flip: -43 }],
      ['a MAC of zeros', { segment: 3, to: 'A'.repeat(43) }],
      [
        'sub replaced by another key under the old MAC',
        { claim: 'sub', value: 'bbaareihkjjwghyu4kifl55kqpmjs5rpzsvdxnlv6xz5zeqq65jurirwsfq' },
      ],
      ['aud replaced under the old MAC', { claim: 'aud', value: 'https://evil.example' }],
      ['exp pushed a year out under the old MAC', { claim: 'exp', value: 1924992000 }],
      ['iat as a string under the old MAC', { claim: 'iat', value: '1893456000' }],
      ['nonce removed under the old MAC', { claim: 'nonce', value: undefined }],
      ['truncated by one character', { slice: [0, -1] }],
      ['truncated to half', { slice: [0, 150] }],
      ['the MAC segment dropped', { transform: 'drop-mac' }],
      ['an extra segment', { transform: 'extra-segment' }],
      ['a trailing newline', { append: '\n' }],
      ['a leading space', { prepend: ' ' }],
      ['base64 padding on the MAC', { append: '=' }],
      ['upper-cased', { transform: 'uppercase' }],
      ['doubled', { transform: 'double' }],
      ['JSON-quoted twice', { transform: 'to-json-string' }],
      ['empty', { literal: '' }],
      ['3000 characters', { literal: 'ttp1.' + 'a'.repeat(2995) }],
      ['a NUL appended', { append: '\u0000' }],
      ['a lone surrogate appended', { append: '\ud800' }],
    ] as const
  ).map(([name, envelope]): AttackCase => ({
    name: `envelope: ${name}`,
    endpoint: 'token',
    build: { kind: 'login', envelope },
    expect: { status: 401, code: 'invalid_envelope' },
  })),
  {
    name: 'envelope: from a deployment with another CHALLENGE_SECRET list head',
    endpoint: 'token',
    build: {
      kind: 'login',
      issuedBy: { CHALLENGE_SECRET: 'another-deployments-secret-0123456789' },
    },
    expect: { status: 401, code: 'invalid_envelope' },
  },
  {
    name: 'envelope: from a deployment deriving its key from another USER_API_SECRET',
    endpoint: 'token',
    build: {
      kind: 'login',
      env: { CHALLENGE_SECRET: undefined },
      issuedBy: {
        CHALLENGE_SECRET: undefined,
        USER_API_SECRET: 'baebagbafaydqqcikbmga2dqpcaireeyuculbogazdinryhi6d4qa',
      },
    },
    expect: { status: 401, code: 'invalid_envelope' },
  },
  {
    name: 'envelope: derived key vs explicit CHALLENGE_SECRET of the same deployment',
    endpoint: 'token',
    build: { kind: 'login', issuedBy: { CHALLENGE_SECRET: undefined } },
    expect: { status: 401, code: 'invalid_envelope' },
  },

  // ── Time ────────────────────────────────────────────────────────────────────────────────────
  ...(
    [
      ['expired by 1 s beyond the 5 s skew', { redeemAt: 66 }, 401, 'envelope_expired'],
      ['expired by a day', { redeemAt: 86_400 }, 401, 'envelope_expired'],
      [
        'expired with a 5 s TTL',
        { env: { CHALLENGE_TTL_SECONDS: '5' }, redeemAt: 11 },
        401,
        'envelope_expired',
      ],
      ['at exp + skew exactly (still accepted)', { redeemAt: 65 }, 200],
      ['issued 6 s in the future (not yet valid)', { issueAt: 6 }, 401, 'invalid_envelope'],
      ['issued an hour in the future', { issueAt: 3600 }, 401, 'invalid_envelope'],
      ['issued 5 s in the future (within skew)', { issueAt: 5 }, 200],
      ['redeemed before it was issued by 6 s', { redeemAt: -6 }, 401, 'invalid_envelope'],
    ] as const
  ).map(([name, timing, status, code]): AttackCase => ({
    name: `time: ${name}`,
    endpoint: 'token',
    build: { kind: 'login', ...timing },
    expect: code ? { status, code } : { status },
  })),

  // ── Signatures ──────────────────────────────────────────────────────────────────────────────
  ...(
    [
      ['by a stranger', { signer: 'stranger' }],
      ['by the hub issuer key', { signer: 'issuer' }],
      ['over the payload segment only', { signed: 'payload' }],
      ['over UTF-16 of the envelope', { signed: 'utf16' }],
      ['over the envelope plus a newline', { signed: 'envelope-newline' }],
      ['over nothing', { signed: 'empty' }],
      ['malleated S + L', { signature: { malleate: 'add-L' } }],
      ['malleated S + 2L', { signature: { malleate: 'add-2L' } }],
      ['with the top bit of S set', { signature: { malleate: 'set-top-bit' } }],
      ['with R and S swapped', { signature: { malleate: 'swap-r-s' } }],
      ['with a bit of R flipped', { signature: { malleate: 'flip-r' } }],
      ['with a bit of S flipped', { signature: { malleate: 'flip-s' } }],
      ['all zeros', { signature: { fill: 0, length: 64 } }],
      ['all 0xff', { signature: { fill: 0xff, length: 64 } }],
      ['truncated to 63 bytes', { signature: { truncate: 63 } }],
      ['padded to 65 bytes', { signature: { pad: 1 } }],
      ['empty', { signature: { literal: '' } }],
      ['as 128 hex digits (valid base64 of 96 bytes)', { signature: { encoding: 'hex' } }],
      ['a forged small-order proof against a real key', { signature: forged(SMALL.identity) }],
    ] as const
  ).map(([name, spec]): AttackCase => ({
    name: `signature: ${name}`,
    endpoint: 'token',
    build: { kind: 'login', ...spec },
    expect: { status: 401, code: 'invalid_signature' },
  })),
  ...(
    [
      ['with spaces', 'with-spaces'],
      ['with a trailing newline', 'with-newline'],
      ['in mixed base64 alphabets', 'mixed-alphabets'],
      ['with non-zero trailing bits', 'trailing-bits'],
      ['with padding in the middle', 'inner-padding'],
    ] as const
  ).map(([name, encoding]): AttackCase => ({
    name: `signature: ${name}`,
    endpoint: 'token',
    build: { kind: 'login', signature: { encoding } },
    expect: bad('invalid_request'),
  })),
  {
    name: 'signature: standard base64 with padding (allowed)',
    endpoint: 'token',
    build: { kind: 'login', signature: { encoding: 'base64-std-padded' } },
    expect: { status: 200 },
  },

  // ── Token body shapes ───────────────────────────────────────────────────────────────────────
  ...(
    [
      ['envelope as an array', '{"envelope":[{{envelope}}],"signature":{{signature}}}'],
      ['signature as an array of bytes', '{"envelope":{{envelope}},"signature":[1,2,3]}'],
      ['envelope as an object', '{"envelope":{"value":{{envelope}}},"signature":{{signature}}}'],
      ['signature null', '{"envelope":{{envelope}},"signature":null}'],
      ['both fields nested one level down', '{"data":' + VALID_TOKEN_BODY + '}'],
    ] as const
  ).map(([name, body]): AttackCase => ({
    name: `token body: ${name}`,
    endpoint: 'token',
    build: { kind: 'login', body },
    expect: bad('invalid_request'),
  })),
  {
    name: 'token body: a valid login with a bogus signature first (duplicate key, last wins)',
    endpoint: 'token',
    build: {
      kind: 'login',
      body: '{"signature":"AAAA","envelope":{{envelope}},"signature":{{signature}}}',
    },
    expect: { status: 200 },
  },
  {
    name: 'token body: a valid login with key, sig, msg and token fields injected',
    endpoint: 'token',
    build: {
      kind: 'login',
      body: '{"envelope":{{envelope}},"signature":{{signature}},"key":"x","sig":"y","msg":"z","token":"t"}',
    },
    expect: { status: 200 },
  },
  {
    name: 'token body: a valid login sent as text/plain',
    endpoint: 'token',
    build: { kind: 'login', headers: { 'content-type': 'text/plain' } },
    expect: { status: 415, code: 'unsupported_media_type' },
  },
  {
    name: 'token body: a valid login sent with PUT',
    endpoint: 'token',
    build: { kind: 'login', method: 'PUT' },
    expect: { status: 405, code: 'method_not_allowed' },
  },
  {
    name: 'baseline: a valid login',
    endpoint: 'token',
    build: { kind: 'login' },
    expect: { status: 200 },
  },

  // ── Origins against multi-star patterns (security round 2) ──────────────────────────────────
  // found: each `*` was a backtracking regex; these Origins took seconds of CPU per request before
  // the length cap and the linear matcher (test/http/origin.test.ts, "refuses … in well under
  // 50 ms", times them).
  ...(
    [
      [
        'a slug over MAX_ORIGIN_LENGTH that the pattern fits',
        `https://${'a-'.repeat(250)}a.site.example`,
      ],
      ['a slug at the length cap with a wrong suffix', `https://${'a-'.repeat(120)}a.site.exampl`],
      [
        'a slug at the length cap with a trailing hyphen',
        `https://${'a-'.repeat(120)}-.site.example`,
      ],
      ['a 4 KiB Origin header', `https://${'a'.repeat(4096)}.site.example`],
    ] as const
  ).map(([name, origin]): AttackCase => ({
    name: `origin: ${name}`,
    endpoint: 'challenge',
    build: {
      kind: 'request',
      env: { ALLOWED_ORIGINS: 'https://*-*-*-*.site.example' },
      headers: { origin },
    },
    expect: { status: 403, code: 'origin_not_allowed' },
  })),
  {
    name: 'origin: a short slug for each star of a multi-star pattern (allowed)',
    endpoint: 'challenge',
    build: {
      kind: 'request',
      env: { ALLOWED_ORIGINS: 'https://*-*-*-*.site.example' },
      headers: { origin: 'https://a-b-c0-d-e.site.example' },
    },
    expect: { status: 200 },
  },

  // ── Policy at token time only (POLICY_AT_CHALLENGE=false): /api/challenge no longer says whether
  // a key is admitted (an envelope for everyone), and /api/token still refuses the key. ──────────
  {
    name: 'policy at token only: a key the policy refuses still gets an envelope (no oracle)',
    endpoint: 'challenge',
    build: { kind: 'request', env: { POLICY_AT_CHALLENGE: 'false' }, denyIdentity: true },
    expect: { status: 200 },
  },
  {
    name: 'policy at token only: a key the policy refuses is refused at redemption',
    endpoint: 'token',
    build: { kind: 'login', env: { POLICY_AT_CHALLENGE: 'false' }, denyIdentity: true },
    expect: { status: 403, code: 'pubkey_not_allowed' },
  },
  {
    name: 'policy at token only: a key outside ALLOWED_PUBKEYS is refused at redemption',
    endpoint: 'token',
    build: {
      kind: 'login',
      env: {
        POLICY_AT_CHALLENGE: 'false',
        ALLOWED_PUBKEYS: 'bbaareihkjjwghyu4kifl55kqpmjs5rpzsvdxnlv6xz5zeqq65jurirwsfq',
      },
    },
    expect: { status: 403, code: 'pubkey_not_allowed' },
  },
  {
    name: 'policy at token only: POLICY_AT_CHALLENGE=no is a misconfiguration, not a default',
    endpoint: 'challenge',
    build: { kind: 'request', env: { POLICY_AT_CHALLENGE: 'no' }, denyIdentity: true },
    expect: { status: 500, code: 'server_misconfigured' },
  },

  // ── Deny list (DENIED_PUBKEYS; security round 3): refused at every stage, even for an envelope
  // issued before the key was denied (`issuedBy` a deployment without the list), with
  // POLICY_AT_CHALLENGE=false, and over ALLOWED_PUBKEYS. found: before, the variable did not exist
  // and revoking a key took code (a policy hook). ───────────────────────────────────────────────
  {
    name: 'deny list: a denied key is refused at challenge',
    endpoint: 'challenge',
    build: { kind: 'request', denyListIdentity: true },
    expect: { status: 403, code: 'pubkey_not_allowed' },
  },
  {
    name: 'deny list: a denied key is refused at challenge with POLICY_AT_CHALLENGE=false',
    endpoint: 'challenge',
    build: { kind: 'request', denyListIdentity: true, env: { POLICY_AT_CHALLENGE: 'false' } },
    expect: { status: 403, code: 'pubkey_not_allowed' },
  },
  {
    name: 'deny list: an envelope issued before the key was denied is refused at redemption',
    endpoint: 'token',
    build: { kind: 'login', denyListIdentity: true, issuedBy: {} },
    expect: { status: 403, code: 'pubkey_not_allowed' },
  },
  {
    name: 'deny list: an envelope issued before the key was denied, POLICY_AT_CHALLENGE=false',
    endpoint: 'token',
    build: {
      kind: 'login',
      denyListIdentity: true,
      issuedBy: { POLICY_AT_CHALLENGE: 'false' },
      env: { POLICY_AT_CHALLENGE: 'false' },
    },
    expect: { status: 403, code: 'pubkey_not_allowed' },
  },
  {
    name: 'deny list: a key in both ALLOWED_PUBKEYS and DENIED_PUBKEYS is refused (deny wins)',
    endpoint: 'challenge',
    build: { kind: 'request', allowIdentity: true, denyListIdentity: true },
    expect: { status: 403, code: 'pubkey_not_allowed' },
  },
  {
    name: 'deny list: deny wins over ALLOWED_PUBKEYS at redemption',
    endpoint: 'token',
    build: { kind: 'login', allowIdentity: true, denyListIdentity: true, issuedBy: {} },
    expect: { status: 403, code: 'pubkey_not_allowed' },
  },
  ...(
    [
      ['an overlong type varint', 'overlong-type-varint'],
      ['an overlong length varint', 'overlong-length-varint'],
      ['non-zero trailing bits', 'tail-bits'],
      ['upper-case multibase B', 'multibase-B'],
    ] as const
  ).map(([name, transform]): AttackCase => ({
    name: `deny list: a denied key respelled with ${name}`,
    endpoint: 'challenge',
    build: { kind: 'request', denyListIdentity: true, pubkey: { identity: transform } },
    expect: { status: 400, code: 'invalid_pubkey' },
  })),
  {
    name: 'deny list: an envelope for a respelled denied key cannot be had, so none is redeemed',
    endpoint: 'token',
    build: {
      kind: 'login',
      denyListIdentity: true,
      pubkey: { identity: 'overlong-length-varint' },
    },
    expect: { status: 400, code: 'invalid_pubkey' },
  },
  {
    name: 'deny list: a respelled item in DENIED_PUBKEYS fails closed (server_misconfigured)',
    endpoint: 'challenge',
    build: { kind: 'request', denyListIdentity: 'overlong-type-varint' },
    expect: { status: 500, code: 'server_misconfigured' },
  },
  {
    name: 'deny list: another key still logs in',
    endpoint: 'token',
    build: {
      kind: 'login',
      env: { DENIED_PUBKEYS: 'bbaareihkjjwghyu4kifl55kqpmjs5rpzsvdxnlv6xz5zeqq65jurirwsfq' },
    },
    expect: { status: 200 },
  },
]
