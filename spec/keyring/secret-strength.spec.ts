import { expect } from 'chai';
import { estimateBits, MIN_DISTINCT, MIN_SECRET_BITS, weakSecretReason } from '../../lib/keyring/secret-strength.js';

// The estimate behind the weak-secret refusal (spec/security/weak-secret.spec.ts attacks the
// refusal itself). Each reading of the model is pinned by the exact bits it gives a small input,
// so a guesser's shortcut the estimator stops seeing (a word, a sequence, a repeat, a separator,
// an alphabet) changes a number here. The model, from lib/keyring/secret-strength.ts:
const COMMON_WORD = 8; // one of a few hundred words people type into secrets
const WORD = 17; // a dictionary word (~2^17 English words)
const PATTERN = 8; // a sequence or a repeat: where it starts and how long it is
const SEPARATOR_AGAIN = 1; // the separator of a phrase, seen before
/** A character guessed on its own: the bits of a random string over the classes the secret uses. */
const char = (alphabet: number): number => Math.log2(alphabet);
const LOWER = 26;
const UPPER = 26;
const DIGITS = 10;
const OTHER = 33; // printable ASCII that is neither a letter nor a digit

const bits = (secret: string | Buffer, enough?: number): number => estimateBits(Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'latin1'), enough);

function expectBits(secret: string | Buffer, expected: number): void {
  expect(bits(secret), JSON.stringify(secret.toString('latin1'))).to.be.closeTo(expected, 1e-9);
}

describe('secret strength: the estimate a guesser would beat', function () {
  describe('a character on its own costs the bits of the alphabet the secret uses', function () {
    const cases: Array<[string, number]> = [
      ['a', LOWER], ['z', LOWER], ['A', UPPER], ['Z', UPPER], ['0', DIGITS], ['9', DIGITS],
      // The neighbours of each range belong to the next class.
      ['`', OTHER], ['{', OTHER], ['@', OTHER], ['[', OTHER], ['/', OTHER], [':', OTHER], [' ', OTHER], ['~', OTHER],
    ];
    for (const [c, alphabet] of cases) {
      it(`${JSON.stringify(c)}: log2(${alphabet})`, function () {
        expectBits(c, char(alphabet));
      });
    }

    it('the classes add up: lower + digits, upper + other, all four', function () {
      expectBits('q0', 2 * char(LOWER + DIGITS));
      expectBits('Q!', 2 * char(UPPER + OTHER));
      expectBits('aZ9~', 4 * char(LOWER + UPPER + DIGITS + OTHER));
    });

    it('a secret with any byte outside printable ASCII is raw bytes: 8 bits a character', function () {
      expectBits('\x1f', 8);
      expectBits('\x7f', 8);
      expectBits('\x01', 8);
      expectBits('q\x01', 16);
      expectBits('\x01q', 16);
    });
  });

  describe('words', function () {
    it('a common word costs 8 bits, two letters long or more', function () {
      expectBits('my', COMMON_WORD);
      expectBits('secret', COMMON_WORD);
      expectBits('keytokenjwt', 3 * COMMON_WORD);
    });

    it('a pronounceable run of letters is a dictionary word: 17 bits', function () {
      expectBits('horse', WORD);
      expectBits('Horse', WORD);
      expectBits('horse1', WORD + char(LOWER + DIGITS));
      expectBits('2468Horse', 4 * char(LOWER + UPPER + DIGITS) + WORD);
    });

    it('a dictionary word is 3 to 12 letters: three letters are a word when that saves bits', function () {
      expectBits('Abe!', WORD + char(LOWER + UPPER + OTHER));
      expectBits('horsebattery', WORD);
      // Thirteen letters and more are not one word: character by character (no sequence, no repeat).
      expectBits('horsebatteryx', 13 * char(LOWER));
    });

    it('a word starts where a lower-case run starts, after a capital or a non-letter', function () {
      // xkcd is not pronounceable; the word inside the run (`cdhorse`) is not taken.
      expectBits('xkcdhorse', 9 * char(LOWER));
      expectBits('1Horse', char(LOWER + UPPER + DIGITS) + WORD);
      expectBits('1horse', char(LOWER + DIGITS) + WORD);
      expectBits('HorseBattery', 2 * WORD);
    });

    it('pronounceable: a quarter of vowels or more, no four consonants in a row', function () {
      expectBits('zxka', WORD); // one vowel in four
      expectBits('zxkaf', 5 * char(LOWER)); // one in five
      expectBits('strata', WORD); // three consonants in a row
      expectBits('ungstrom', 8 * char(LOWER)); // five
      expectBits('xkcdz', 5 * char(LOWER)); // no vowel
    });
  });

  describe('patterns', function () {
    it('a run of 3 or more, each a step up or down from the last, costs 8 bits', function () {
      expectBits('123', PATTERN);
      expectBits('abcd', PATTERN);
      expectBits('9876', PATTERN);
      expectBits('ab', 2 * char(LOWER)); // two is not a run
    });

    it('a keyboard walk is a sequence', function () {
      expectBits('qwer', PATTERN);
      expectBits('lkjh', PATTERN);
    });

    it('a copy of 3 or more earlier characters costs 8 bits', function () {
      expectBits('qzkqzk', 3 * char(LOWER) + PATTERN);
      expectBits('qzqz', 4 * char(LOWER)); // a copy of two is not
    });

    it('a separator used again costs 1 bit; only a character guessed on its own becomes the separator', function () {
      expectBits('q-z-k', 3 * char(LOWER + OTHER) + char(LOWER + OTHER) + SEPARATOR_AGAIN);
      // The sequence `#$%` does not make `#` the separator, nor `123` the digit 1; letters never are.
      expectBits('#$%q#', PATTERN + 2 * char(LOWER + OTHER));
      expectBits('1231', PATTERN + char(DIGITS));
      expectBits('qqz', 3 * char(LOWER));
    });
  });

  it('stops counting once it has enough bits', function () {
    expect(bits('qzvkqzvk', 2 * char(LOWER))).to.equal(2 * char(LOWER));
    expect(bits('qzvk')).to.equal(4 * char(LOWER));
  });

  describe('weakSecretReason', function () {
    it(`refuses fewer than ${MIN_DISTINCT} distinct characters, saying so`, function () {
      expect(weakSecretReason(Buffer.from('abcdefg'.repeat(8)))).to.equal('it has only 7 distinct characters');
    });

    it(`judges ${MIN_DISTINCT} distinct characters by the estimate`, function () {
      expect(weakSecretReason(Buffer.from('abcdefgh'.repeat(8)))).to.match(/^it looks guessable .*about \d+ bits, at least 100 are needed/);
    });

    it(`passes an estimate of exactly ${MIN_SECRET_BITS} bits: 4 dictionary words and 4 common words`, function () {
      const phrase = Buffer.from('HorseBatteryStapleCorrectKeyTokenJwtSecret');
      expect(estimateBits(phrase)).to.equal(4 * WORD + 4 * COMMON_WORD);
      expect(4 * WORD + 4 * COMMON_WORD).to.equal(MIN_SECRET_BITS);
      expect(weakSecretReason(phrase)).to.equal(undefined);
      expect(weakSecretReason(Buffer.from('HorseBatteryStapleCorrectKeyTokenJwt'))).to.contain('about 92 bits');
    });
  });
});
