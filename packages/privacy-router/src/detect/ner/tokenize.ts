/** A word of the text with what the name recognizer needs to know about it. */
export interface Token {
  start: number;
  end: number;
  text: string;
  lower: string;
  /**
   * Starts with an upper-case letter, is not a short all-caps acronym (`ERROR`, `SID`) and is not
   * glued to a digit (`118Z`).
   */
  capitalized: boolean;
  /** Written in capitals only. */
  allCaps: boolean;
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

function isDigit(character: string): boolean {
  return character >= '0' && character <= '9';
}

function isUpper(character: string): boolean {
  return character !== character.toLowerCase() && character === character.toUpperCase();
}

/**
 * Splits `text` into words: runs of letters, joined by inner apostrophes or hyphens
 * (`O'Brien`, `Wolf-Carpenter`); a trailing `'s` is not part of the word. A hand-written scanner
 * (no regular expression), linear in the length of the text.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let previousEnd = 0;
  const length = text.length;
  while (index < length) {
    const character = text.charAt(index);
    if (!isLetter(character)) {
      index += 1;
      continue;
    }
    const start = index;
    index += 1;
    while (index < length) {
      const next = text.charAt(index);
      if (isLetter(next)) index += 1;
      else if ((next === "'" || next === '’' || next === '-') && isLetter(text.charAt(index + 1))) {
        // "'s" at the end of a word is a possessive, not part of the name
        if (
          next !== '-' &&
          (text.charAt(index + 1) === 's' || text.charAt(index + 1) === 'S') &&
          !isLetter(text.charAt(index + 2))
        )
          break;
        index += 2;
      } else break;
    }
    const word = text.slice(start, index);
    const gapBefore = text.slice(previousEnd, start);
    const trimmedGap = gapBefore.trimEnd();
    const lastGapCharacter = trimmedGap.charAt(trimmedGap.length - 1);
    const sentenceStart =
      tokens.length === 0 ||
      gapBefore.includes('\n') ||
      lastGapCharacter === '.' ||
      lastGapCharacter === '!' ||
      lastGapCharacter === '?' ||
      lastGapCharacter === ':' ||
      lastGapCharacter === '"' ||
      lastGapCharacter === '“' ||
      lastGapCharacter === '>' ||
      lastGapCharacter === '#' ||
      lastGapCharacter === '*' ||
      lastGapCharacter === '-';
    tokens.push({
      start,
      end: index,
      text: word,
      lower: word.toLowerCase(),
      capitalized:
        isUpper(word.charAt(0)) &&
        !(word.length > 1 && word === word.toUpperCase() && word.length <= 5) &&
        !isDigit(text.charAt(start - 1)) &&
        !isDigit(text.charAt(index)),
      allCaps: word.length > 1 && word === word.toUpperCase() && word !== word.toLowerCase(),
      sentenceStart,
      gapBefore,
      index: tokens.length,
    });
    previousEnd = index;
  }
  return tokens;
}
