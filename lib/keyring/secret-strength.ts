/*
 * A length rule alone lets `my_very_long_and_safe_secret_key` through: 32 bytes, and in every
 * common-secrets list an HS256 cracker tries first. This estimates the entropy of a secret the
 * way a guesser would attack it, and refuses what is evidently guessable. It is deliberately
 * rough: it catches words, sequences, repetition and small alphabets, and passes every secret
 * made by a generator (`openssl rand -base64 32`, `koa-jwt-kit keys generate --secret`).
 */

/**
 * An estimate under this many bits is refused. A GPU tries ~2^40 HMACs a day, so 100 bits is out
 * of reach, and the margin below 128 keeps every generated secret (a 32-character hex secret, 128
 * bits, sometimes shows a pattern by chance) from being refused: only the evident is.
 */
export const MIN_SECRET_BITS = 100;
/** Fewer distinct characters than this is a pattern, not a random string (random hex shows ~14 in 32). */
export const MIN_DISTINCT = 8;

// The parse is quadratic in the length: a longer secret is judged by its start (a good start is enough).
const ANALYSED_BYTES = 512;

/** How to make a secret that passes: said in every refusal. */
export const HOW_TO_MAKE_A_SECRET = 'make one with `openssl rand -base64 32` or `koa-jwt-kit keys generate --secret`';

// Common words of secrets that people type (jwt_tool's and hashcat's lists are full of them).
// A word from this list is worth ~8 bits (one of a few hundred) whatever its length.
const COMMON_WORDS = new Set([
  'my', 'your', 'our', 'the', 'and', 'for', 'very', 'long', 'safe', 'secure', 'secret', 'secrets', 'key', 'keys', 'jwt',
  'token', 'tokens', 'password', 'pass', 'passwd', 'test', 'testing', 'dev', 'development', 'prod', 'production', 'staging',
  'default', 'change', 'changeme', 'me', 'this', 'super', 'strong', 'random', 'example', 'sample', 'demo', 'here', 'put',
  'auth', 'api', 'app', 'application', 'server', 'admin', 'root', 'user', 'koa', 'node', 'express', 'signing', 'sign',
  'hmac', 'sha', 'hash', 'private', 'public', 'access', 'refresh', 'session', 'cookie', 'local', 'localhost', 'not', 'do',
  'share', 'unique', 'hard', 'guess', 'to', 'of', 'is', 'it', 'a', 'an', 'in', 'on', 'with', 'value', 'string', 'replace',
  'qwerty', 'letmein', 'welcome', 'hello', 'world', 'shhh', 'abc', 'xyz', 'foo', 'bar', 'baz', 'insecure', 'top',
]);

/** Why this secret is evidently guessable, or undefined when it is not. */
export function weakSecretReason(secret: Buffer): string | undefined {
  const distinct = new Set(secret).size;
  if (distinct < MIN_DISTINCT) return `it has only ${distinct} distinct characters`;
  const bits = estimateBits(secret.subarray(0, ANALYSED_BYTES), MIN_SECRET_BITS);
  if (bits < MIN_SECRET_BITS) return `it looks guessable (a phrase, a sequence or a repetition: about ${Math.floor(bits)} bits, at least ${MIN_SECRET_BITS} are needed)`;
  return undefined;
}

const isPrintable = (b: number): boolean => b >= 0x20 && b <= 0x7e;
const isLower = (b: number): boolean => b >= 0x61 && b <= 0x7a;
const isUpper = (b: number): boolean => b >= 0x41 && b <= 0x5a;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isLetter = (b: number): boolean => isLower(b) || isUpper(b);

/** Bits per character of a random string over the classes this secret uses. */
function bitsPerChar(secret: Buffer): number {
  if (!secret.every(isPrintable)) return 8;
  let size = 0;
  if (secret.some(isLower)) size += 26;
  if (secret.some(isUpper)) size += 26;
  if (secret.some(isDigit)) size += 10;
  if (secret.some((b) => !isLetter(b) && !isDigit(b))) size += 33;
  return Math.log2(size);
}

const isVowel = (b: number): boolean => 'aeiouyAEIOUY'.includes(String.fromCharCode(b));

/** A common word starting at `i` (case-insensitive, longest first), as its length, or 0. */
function commonWordAt(secret: Buffer, i: number): number {
  let end = i;
  while (end < secret.length && isLetter(secret[end]!)) end++;
  for (let length = end - i; length >= 2; length--) {
    if (COMMON_WORDS.has(secret.subarray(i, i + length).toString('latin1').toLowerCase())) return length;
  }
  return 0;
}

/**
 * A word-like run starting at `i` (`horse`, `Battery`: an optional capital, then ≥ 2 lower-case
 * letters with a vowel, not inside a longer lower-case run), as its length, or 0: a dictionary
 * word for a guesser, ~17 bits (English has ~2^17 words) whatever its length. A capital starts a
 * word wherever it stands (`HorseBattery` is two).
 */
function dictionaryWordAt(secret: Buffer, i: number): number {
  if (i > 0 && isLower(secret[i - 1]!) && !isUpper(secret[i]!)) return 0;
  let end = isUpper(secret[i]!) ? i + 1 : i;
  while (end < secret.length && isLower(secret[end]!)) end++;
  // Three letters at least (an optional capital leaves two lower-case ones): a shorter word never saves bits.
  if (end - i < 3 || end - i > 12) return 0;
  return looksPronounceable(secret.subarray(i, end)) ? end - i : 0;
}

/** A quarter of vowels or more and no four consonants in a row: `battery` is, `dbbcad` (hex) is not. */
function looksPronounceable(word: Buffer): boolean {
  let vowels = 0;
  let consonantRun = 0;
  for (const b of word) {
    if (isVowel(b)) {
      vowels++;
      consonantRun = 0;
    } else if (++consonantRun > 3) return false;
  }
  return vowels * 4 >= word.length;
}

// Rows of a QWERTY keyboard: a walk along one (`qwerty`, `asdf`) is as guessable as `abc`.
const KEYBOARD_ROWS = ['`1234567890-=', 'qwertyuiop[]\\', "asdfghjkl;'", 'zxcvbnm,./'];
const KEYBOARD_STEP = new Map<string, number>();
for (const row of KEYBOARD_ROWS) for (let i = 0; i < row.length; i++) KEYBOARD_STEP.set(row[i]!, i + KEYBOARD_ROWS.indexOf(row) * 100);

/** The step from `a` to `b`: their code distance, or their key distance when both are on one keyboard row. */
function steps(a: number, b: number): number[] {
  const out = [b - a];
  const ka = KEYBOARD_STEP.get(String.fromCharCode(a).toLowerCase());
  const kb = KEYBOARD_STEP.get(String.fromCharCode(b).toLowerCase());
  if (ka !== undefined && kb !== undefined) out.push(kb - ka);
  return out;
}

/** The length of a run of ≥ 3 characters each one step up or down from the last (abc, 987, qwerty) starting at `i`, or 0. */
function sequenceAt(secret: Buffer, i: number): number {
  let best = 0;
  for (const step of [1, -1]) {
    let end = i;
    while (end + 1 < secret.length && steps(secret[end]!, secret[end + 1]!).includes(step)) end++;
    best = Math.max(best, end - i + 1);
  }
  return best >= 3 ? best : 0;
}

/** The length of the longest earlier copy (≥ 3 characters) of what starts at `i`, or 0. */
function repeatAt(secret: Buffer, i: number): number {
  let best = 0;
  for (let from = 0; from < i; from++) {
    let n = 0;
    while (i + n < secret.length && secret[from + n] === secret[i + n]) n++;
    if (n > best) best = n;
  }
  return best >= 3 ? best : 0;
}

/**
 * Greedy parse, as a guesser enumerates: a common word ~8 bits, another word ~17, a sequence or
 * a repeat ~8 (where it starts and how long it is), the separator of a phrase again ~1, and any
 * other character the bits of its alphabet. At each place the cheapest reading wins.
 */
export function estimateBits(secret: Buffer, enough = Infinity): number {
  const perChar = bitsPerChar(secret);
  let bits = 0;
  let i = 0;
  let separator: number | undefined;
  while (i < secret.length && bits < enough) {
    const byte = secret[i]!;
    const readings: Array<[length: number, cost: number]> = [
      [1, byte === separator ? 1 : perChar],
      [commonWordAt(secret, i), 8],
      [dictionaryWordAt(secret, i), 17],
      [sequenceAt(secret, i), 8],
      [repeatAt(secret, i), 8],
    ];
    // The reading that saves most over character-by-character guessing.
    let best = readings[0]!;
    for (const reading of readings) {
      if (reading[0] > 0 && reading[0] * perChar - reading[1] > best[0] * perChar - best[1]) best = reading;
    }
    if (best[0] === 1 && !isLetter(byte) && !isDigit(byte)) separator = byte;
    bits += best[1];
    i += best[0];
  }
  return bits;
}
