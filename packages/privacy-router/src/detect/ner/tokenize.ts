/** A word of the text with what the name recognizer needs to know about it. */
export interface Token {
  start: number;
  end: number;
  /** The word lower-cased (the original is `text.slice(start, end)`). */
  lower: string;
  /**
   * Starts with an upper-case letter, is not a short all-caps acronym (`ERROR`, `SID`) and is not
   * glued to a digit (`118Z`).
   */
  capitalized: boolean;
  /** First word of a sentence, a line or the text (capitalisation says little there). */
  sentenceStart: boolean;
  /** The characters between the previous token and this one. */
  gapBefore: string;
  /** Position of the token in the list. */
  index: number;
}

function isLetter(character: string): boolean {
  if (character.length === 0) return false;
  const code = character.charCodeAt(0);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return /\p{L}|\p{M}/u.test(character);
}

/** {@link isLetter} of the code unit at `index` (NaN past the end: no). */
function isLetterAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  if (Number.isNaN(code)) return false;
  return isLetter(text.charAt(index));
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isUpper(character: string): boolean {
  return character !== character.toLowerCase() && character === character.toUpperCase();
}

/** Code units after which the next word starts a sentence: `. ! ? : " “ > # * -`. */
function endsSentence(code: number): boolean {
  return (
    code === 46 ||
    code === 33 ||
    code === 63 ||
    code === 58 ||
    code === 34 ||
    code === 0x201c ||
    code === 62 ||
    code === 35 ||
    code === 42 ||
    code === 45
  );
}

/** What `String.prototype.trimEnd` removes (ECMAScript white space and line terminators). */
function isTrimmedSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * Splits `text` into words: runs of letters, joined by inner apostrophes or hyphens
 * (`O'Brien`, `Wolf-Carpenter`); a trailing `'s` is not part of the word. A hand-written scanner
 * (no regular expression), linear in the length of the text; ASCII words (almost all) are
 * classified from their code units without case-converted copies. `lowerText`, the text
 * lower-cased with the same length, saves lower-casing each ASCII word again.
 */
export function tokenize(text: string, lowerText?: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let previousEnd = 0;
  const length = text.length;
  const lower = lowerText !== undefined && lowerText.length === length ? lowerText : undefined;
  while (index < length) {
    if (!isLetterAt(text, index)) {
      index += 1;
      continue;
    }
    const start = index;
    index += 1;
    while (index < length) {
      const next = text.charCodeAt(index);
      if (isLetterAt(text, index)) index += 1;
      else if ((next === 39 || next === 0x2019 || next === 45) && isLetterAt(text, index + 1)) {
        // "'s" at the end of a word is a possessive, not part of the name
        const after = text.charCodeAt(index + 1);
        if (next !== 45 && (after === 115 || after === 83) && !isLetterAt(text, index + 2)) break;
        index += 2;
      } else break;
    }
    const end = index;
    const gapBefore = previousEnd === start ? '' : text.slice(previousEnd, start);
    // The last non-space character of the gap, and whether the gap holds a line break.
    let gapEnd = start;
    while (gapEnd > previousEnd && isTrimmedSpace(text.charCodeAt(gapEnd - 1))) gapEnd -= 1;
    const lastGapCode = gapEnd > previousEnd ? text.charCodeAt(gapEnd - 1) : -1;
    let lineBreak = false;
    for (let position = previousEnd; position < start; position += 1)
      if (text.charCodeAt(position) === 10) {
        lineBreak = true;
        break;
      }
    const sentenceStart = tokens.length === 0 || lineBreak || endsSentence(lastGapCode);
    // Case classes from the code units when the word is ASCII (its apostrophes and hyphens too).
    let ascii = true;
    let lowerCount = 0;
    for (let position = start; position < end; position += 1) {
      const code = text.charCodeAt(position);
      if (code >= 128) {
        ascii = false;
        break;
      }
      if (code >= 97 && code <= 122) lowerCount += 1;
    }
    let lowerWord: string;
    let firstUpper: boolean;
    let sameWhenUpper: boolean;
    if (ascii) {
      lowerWord = lower !== undefined ? lower.slice(start, end) : text.slice(start, end).toLowerCase();
      const first = text.charCodeAt(start);
      firstUpper = first >= 65 && first <= 90;
      sameWhenUpper = lowerCount === 0;
    } else {
      const word = text.slice(start, end);
      lowerWord = word.toLowerCase();
      firstUpper = isUpper(word.charAt(0));
      sameWhenUpper = word === word.toUpperCase();
    }
    const wordLength = end - start;
    tokens.push({
      start,
      end,
      lower: lowerWord,
      capitalized:
        firstUpper &&
        !(wordLength > 1 && sameWhenUpper && wordLength <= 5) &&
        !isDigitCode(text.charCodeAt(start - 1)) &&
        !isDigitCode(text.charCodeAt(end)),
      sentenceStart,
      gapBefore,
      index: tokens.length,
    });
    previousEnd = index;
  }
  return tokens;
}
