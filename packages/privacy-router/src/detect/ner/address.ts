import type { Finding } from '../finding.js';
import { compileLinear, forEachMatch, type LinearRegex } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { gazetteer } from './gazetteer.js';

/** Street-type words in the languages of common address formats (matched as whole words, any case). */
export const streetWords: readonly string[] = [
  'street',
  'st',
  'avenue',
  'ave',
  'av',
  'road',
  'rd',
  'lane',
  'ln',
  'drive',
  'dr',
  'boulevard',
  'blvd',
  'bd',
  'way',
  'court',
  'ct',
  'place',
  'pl',
  'square',
  'sq',
  'terrace',
  'parkway',
  'pkwy',
  'highway',
  'hwy',
  'crescent',
  'close',
  'row',
  'alley',
  'circle',
  'cir',
  'trail',
  'mews',
  'rua',
  'r',
  'avenida',
  'avda',
  'calle',
  'c/',
  'via',
  'viale',
  'piazza',
  'largo',
  'corso',
  'rue',
  'chemin',
  'allée',
  'route',
  'straße',
  'strasse',
  'str',
  'weg',
  'gasse',
  'platz',
  'allee',
  'laan',
  'straat',
  'gracht',
  'plein',
  'vej',
  'gade',
  'gata',
  'gatan',
  'vägen',
  'väg',
  'veien',
  'vegen',
  'gate',
  'katu',
  'tie',
  'ulica',
  'ul',
  'utca',
  'út',
  'odos',
  'οδός',
  'λεωφόρος',
  'travessa',
  'estrada',
  'praça',
  'rambla',
  'paseo',
  'carrer',
  'passeig',
  'ulitsa',
  'prospekt',
  'náměstí',
  'ulice',
  'trg',
  'cesta',
  'tee',
  'iela',
  'gatve',
  'u.',
  'út',
  'utca',
  'sokak',
  'cad.',
  'jalan',
  'jl.',
];
const streetSuffixes: readonly string[] = [
  'veien',
  'vegen',
  'vej',
  'gade',
  'gatan',
  'gata',
  'vägen',
  'straße',
  'strasse',
  'weg',
  'laan',
  'straat',
  'katu',
  'tie',
  'gasse',
  'platz',
  'allee',
  'bakken',
  'havn',
  'stræde',
  'torget',
  'torv',
  'vænget',
  'stien',
  'stigen',
  'gränd',
  'backe',
  'dalen',
  'åsen',
  'berget',
  'plassen',
  'tunet',
  'ringen',
  'haugen',
  'kroken',
  'street',
  'road',
  'plaats',
  'dreef',
  'steeg',
  'kade',
  'singel',
  'straat',
  'gracht',
  'ulica',
  'utca',
  'vägen',
  'stræde',
];
const nameParticles = new Set([
  'de',
  'da',
  'do',
  'dos',
  'das',
  'del',
  'della',
  'di',
  'la',
  'le',
  'les',
  'van',
  'von',
  'der',
  'den',
  'el',
  'al',
  'du',
  'des',
  'y',
  'e',
]);
const streetWordSet = new Set(streetWords);

const word = String.raw`[\p{L}][\p{L}\p{M}'’.\-/]*`;
const number = '[0-9]{1,5}[a-zA-Z]?';
// number-led: "37 Βασιλέως Αλεξάνδρου 195", "2914 184th Street", "226 Thomas Avenue"
const ordinalOrWord = `(?:${word}|[0-9]{1,4}(?:st|nd|rd|th))`;
const numberLed = compileLinear(
  String.raw`\b${number}(?: ${number})?,? (?:${ordinalOrWord} ){0,5}${ordinalOrWord}(?: ${number}\b)?`,
);
// word-led with a house number after: "Veslebakken 48", "via raffaele conforti 74"
const wordLed = compileLinear(String.raw`(?:${word} ){0,5}${word},? ${number}\b`);
// street-word terminated: "Adams Street", "van Bokhorst Street"
const streetNamed = compileLinear(
  String.raw`(?i)(?:${word} ){1,4}(?:street|avenue|road|lane|drive|boulevard|parkway|terrace|crescent|highway|straße|strasse)\b`,
);
const units = compileLinear(
  String.raw`(?i)\b(?:(?:apt\.?|apartment|suite|ste\.?|unit|flat|floor|fl\.|room|rm\.?|bldg\.?) ?#? ?[0-9]{1,5}[a-z]?(?:,? box [0-9]{1,6})?|p\.? ?o\.? box [0-9]{1,6}|psc [0-9]{4},? box [0-9]{4}|(?:usns|uss|usnv|usns|uscgc) \p{L}+|(?:fpo|apo|dpo) (?:aa|ae|ap) [0-9]{5})\b`,
);
// "Springfield, IL 62704", "WOODGATE, QLD 36540"
const cityStateZip = compileLinear(
  String.raw`(?:\p{Lu}[\p{L}\p{M}'’.\-]* ){0,2}\p{Lu}[\p{L}\p{M}'’.\-]*,? [A-Z]{2,3} [0-9]{4,5}(?:-[0-9]{4})?\b`,
);

const unitOnly = compileLinear(
  String.raw`(?i)^(?:(?:apt\.?|apartment|suite|ste\.?|unit|flat|floor|fl\.|room|rm\.?|bldg\.?) ?#? ?[0-9]{1,5}[a-z]?(?:,? box [0-9]{1,6})?|p\.? ?o\.? box [0-9]{1,6}|(?:fpo|apo|dpo) (?:aa|ae|ap) [0-9]{5})$`,
);
const postalOnly = compileLinear(
  '^(?:[0-9]{4,6}(?:-[0-9]{3,4})?|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}|[A-Z]{2,3})$',
);
const placeLine = compileLinear(
  String.raw`^(?:\p{Lu}[\p{L}\p{M}'’.\-]*|[a-z]{1,4})(?: (?:\p{Lu}[\p{L}\p{M}'’.\-]*|[a-z]{1,4})){0,4}(?:,? [A-Z]{2,3})?(?:,? [0-9]{4,6}(?:-[0-9]{4})?)?$`,
);

interface Token {
  text: string;
  start: number;
  end: number;
}

function wordsOf(text: string, offset: number): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  for (const part of text.split(' ')) {
    if (part.length > 0)
      tokens.push({ text: part, start: offset + index, end: offset + index + part.length });
    index += part.length + 1;
  }
  return tokens;
}

function bare(token: string): string {
  let end = token.length;
  while (end > 0 && (token.charCodeAt(end - 1) === 46 || token.charCodeAt(end - 1) === 44)) end -= 1;
  return token.slice(0, end).toLowerCase();
}

const suffixesByEnding = new Map<string, string[]>();
for (const suffix of streetSuffixes) {
  const ending = suffix.slice(-3);
  const list = suffixesByEnding.get(ending) ?? [];
  list.push(suffix);
  suffixesByEnding.set(ending, list);
}

function isStreetToken(token: string): boolean {
  return isStreetWord(bare(token));
}

/** {@link isStreetToken} of a token already passed through {@link bare}. */
function isStreetWord(lower: string): boolean {
  if (streetWordSet.has(lower)) return true;
  if (lower.length <= 5) return false;
  const candidates = suffixesByEnding.get(lower.slice(-3));
  return candidates?.some((suffix) => lower.endsWith(suffix)) ?? false;
}

function isNumber(token: string): boolean {
  return /^[0-9]{1,5}[a-zA-Z]?,?$/.test(token) || /^[0-9]{1,4}(?:st|nd|rd|th)$/i.test(token);
}

function isNameLike(token: string): boolean {
  const first = token.charAt(0);
  return first !== first.toLowerCase() || nameParticles.has(token.toLowerCase()) || isStreetToken(token);
}

/**
 * Trims a candidate street phrase to its plausible part and says whether it is a street line:
 * it contains a street word (or a suffix such as `-veien`, `-gasse`) next to a house number or
 * capitalised words, or it is "number Capitalised Words number" without common English words.
 */
function streetSpan(tokens: readonly Token[]): { start: number; end: number } | undefined {
  const streetIndex = tokens.findIndex((token) => isStreetToken(token.text));
  let from = 0;
  if (streetIndex >= 0) {
    // Walk back from the street word over plausible tokens (numbers, capitalised words,
    // particles; in an all-lower-case line, any word).
    const lowerCaseLine = tokens.every((token) => token.text === token.text.toLowerCase());
    from = streetIndex;
    while (from > 0) {
      const previous = tokens[from - 1];
      if (previous === undefined) break;
      const plausible =
        isNumber(previous.text) ||
        isNameLike(previous.text) ||
        (lowerCaseLine && !stopWords.has(bare(previous.text)));
      if (!plausible) break;
      from -= 1;
    }
  } else {
    for (let index = 0; index < tokens.length; index += 1) {
      const token = tokens[index];
      if (token !== undefined && !isNumber(token.text) && !isNameLike(token.text)) from = index + 1;
    }
  }
  let until = tokens.length;
  if (streetIndex >= 0) {
    // ... and forward from it until the first token that cannot belong to a street line.
    const lowerCaseLine = tokens.every((token) => token.text === token.text.toLowerCase());
    for (let index = streetIndex + 1; index < tokens.length; index += 1) {
      const token = tokens[index];
      if (token === undefined) break;
      if (
        !(
          isNumber(token.text) ||
          isNameLike(token.text) ||
          (lowerCaseLine && !stopWords.has(bare(token.text)))
        )
      ) {
        until = index;
        break;
      }
    }
  }
  let candidate = tokens.slice(from, until);
  while (candidate.length > 0 && stopWords.has(bare(candidate[0]?.text ?? '')))
    candidate = candidate.slice(1);
  // Trailing words after the last number or street word are not part of the street line.
  let to = candidate.length;
  while (to > 0) {
    const token = candidate[to - 1];
    if (token === undefined || isNumber(token.text) || isStreetToken(token.text)) break;
    // "Rue Ibn Al Khatib": capitalised names after a street word belong to the street
    if (isNameLike(token.text) && candidate.slice(0, to - 1).some((other) => isStreetToken(other.text)))
      break;
    to -= 1;
  }
  candidate = candidate.slice(0, to);
  const first = candidate[0];
  const last = candidate[candidate.length - 1];
  if (first === undefined || last === undefined || candidate.length < 2) return undefined;
  const words = candidate.filter((token) => !isNumber(token.text));
  if (words.length === 0) return undefined;
  const numberFirst = isNumber(first.text);
  const numberLast = isNumber(last.text);
  const streetTokens = candidate.filter((token) => isStreetToken(token.text));
  if (streetTokens.length > 0) {
    const capitalised = words.every((token) => isNameLike(token.text));
    const lowerCaseLine = candidate.every((token) => token.text === token.text.toLowerCase());
    // "Dr. Peter", "St. John": an abbreviation that starts the phrase is a title, not a street
    const onlyLeadingAbbreviation =
      !numberFirst &&
      streetTokens.length === 1 &&
      streetTokens[0] === first &&
      ambiguousAbbreviations.has(bare(first.text));
    if (onlyLeadingAbbreviation) return undefined;
    if ((capitalised || lowerCaseLine) && (numberFirst || numberLast || capitalised))
      return { start: first.start, end: last.end };
    return undefined;
  }
  const common = gazetteer().commonWords;
  const plainWords = words.every(
    (token) =>
      isNameLike(token.text) &&
      (nameParticles.has(token.text.toLowerCase()) ||
        (!common.has(bare(token.text)) && !calendarWords.has(bare(token.text)))) &&
      !(token.text.length > 1 && token.text === token.text.toUpperCase() && /[A-Z]/.test(token.text)),
  );
  if (numberFirst && numberLast && plainWords && words.length <= 4)
    return { start: first.start, end: last.end };
  return undefined;
}

const calendarWords = new Set([
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'version',
  'release',
  'chapter',
  'page',
  'section',
  'step',
  'item',
  'room',
]);

const ambiguousAbbreviations = new Set([
  'dr',
  'st',
  'ct',
  'pl',
  'av',
  'bd',
  'r',
  'u',
  'ul',
  'ln',
  'rd',
  'sq',
  'cir',
  'str',
  'way',
  'row',
  'close',
  'place',
  'court',
  'gate',
  'tie',
  'tee',
  'via',
  'route',
]);

const stopWords = new Set([
  'the',
  'my',
  'our',
  'your',
  'his',
  'her',
  'at',
  'to',
  'in',
  'and',
  'of',
  'is',
  'on',
  'from',
  'corner',
  'address',
  'with',
  'here',
  'are',
  'its',
]);

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Every alternative of {@link unitOnly} ends in ASCII digits. */
function mayBeUnit(segment: string): boolean {
  for (let index = 0; index < segment.length; index += 1)
    if (isDigitCode(segment.charCodeAt(index))) return true;
  return false;
}

/** {@link postalOnly} matches at most 11 characters of `[A-Z0-9 -]`. */
function mayBePostal(segment: string): boolean {
  if (segment.length > 11) return false;
  for (let index = 0; index < segment.length; index += 1) {
    const code = segment.charCodeAt(index);
    if (!(isDigitCode(code) || (code >= 65 && code <= 90) || code === 32 || code === 45)) return false;
  }
  return true;
}

/**
 * A necessary condition for {@link placeLine}: at most seven words separated by single spaces,
 * starting with a letter, made of letters (any non-ASCII character counts as one), digits and
 * `, . - '` only. Most segments that are no place fail it without a call into RE2.
 */
function mayBePlaceLine(segment: string): boolean {
  const first = segment.charCodeAt(0);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first >= 128)) return false;
  let spaces = 0;
  for (let index = 0; index < segment.length; index += 1) {
    const code = segment.charCodeAt(index);
    if (code === 32) {
      spaces += 1;
      if (spaces > 6 || segment.charCodeAt(index + 1) === 32) return false;
      continue;
    }
    const allowed =
      (code >= 65 && code <= 90) ||
      (code >= 97 && code <= 122) ||
      isDigitCode(code) ||
      code >= 128 ||
      code === 44 ||
      code === 46 ||
      code === 45 ||
      code === 39;
    if (!allowed) return false;
  }
  return true;
}

function isPlaceSegment(segment: string, lowerCase: boolean): boolean {
  if (mayBeUnit(segment) && resetAndTest(unitOnly, segment)) return true;
  if (mayBePostal(segment) && resetAndTest(postalOnly, segment)) return true;
  const lower = segment.toLowerCase().replace(/[,]?\s*[0-9]{4,6}$/u, '');
  const places = gazetteer().places;
  if (places.has(lower)) return true;
  // A line of common English words ("Thanks", "Best regards") ends the address.
  const common = gazetteer().commonWords;
  const words = lower.split(' ').filter((word) => word.length > 0);
  if (words.length > 0 && words.every((word) => common.has(word.replace(/[.,!]+$/u, '')))) return false;
  if (
    lowerCase &&
    segment === segment.toLowerCase() &&
    segment.split(' ').length <= 5 &&
    !/[.?!:;@]/.test(segment)
  )
    return true;
  return mayBePlaceLine(segment) && resetAndTest(placeLine, segment);
}

function resetAndTest(regex: { lastIndex: number; test(value: string): boolean }, value: string): boolean {
  regex.lastIndex = 0;
  return regex.test(value);
}

/** `? • * > ·`: list bullets an address may continue after. */
function isBulletCode(code: number): boolean {
  return code === 63 || code === 0x2022 || code === 42 || code === 62 || code === 0xb7;
}

/** Whether `text.slice(start, end)` equals its lower-cased form (without copying ASCII text). */
function isLowerCaseSpan(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 65 && code <= 90) return false;
    if (code >= 128) {
      const span = text.slice(start, end);
      return span === span.toLowerCase();
    }
  }
  return true;
}

/**
 * Extends an address anchor forward over the segments that typically follow it: units
 * (`Apt. 522`), cities, regions, state codes, postal codes and countries, separated by commas
 * or line breaks (at most five segments, each at most 60 characters).
 */
function extend(text: string, end: number, lowerCase: boolean): number {
  let current = end;
  for (let step = 0; step < 5; step += 1) {
    let cursor = current;
    let sawBreak = false;
    // Of the separators passed so far: how many line breaks, and whether all were white space.
    let lineBreaks = 0;
    let onlySpace = true;
    while (cursor < text.length) {
      const code = text.charCodeAt(cursor);
      // space , \n \t; after a break also list bullets (? • * > ·) that follow a break or a bullet
      if (!(code === 32 || code === 44 || code === 10 || code === 9)) {
        if (!sawBreak || !isBulletCode(code)) break;
        const previous = text.charCodeAt(cursor - 1);
        if (!(previous === 10 || previous === 32 || isBulletCode(previous))) break;
      }
      if (code === 10) {
        // a blank line ends the address
        if (sawBreak && onlySpace && lineBreaks >= 2) return current;
        sawBreak = true;
        lineBreaks += 1;
      }
      if (code === 44) sawBreak = true;
      if (!(code === 32 || code === 10 || code === 9)) onlySpace = false;
      cursor += 1;
    }
    if (cursor === current || cursor >= text.length) return current;
    let segmentEnd = cursor;
    while (segmentEnd < text.length && segmentEnd - cursor < 60) {
      const code = text.charCodeAt(segmentEnd);
      if (code === 44 || code === 10) break;
      segmentEnd += 1;
    }
    let segment = text.slice(cursor, segmentEnd).trimEnd();
    // trailing sentence punctuation is not part of the address
    segment = segment.replace(/[.?!;:]+$/u, '');
    if (segment.length === 0) return current;
    if (!sawBreak) {
      // on the same line without a comma only a unit or a postal code continues the address
      const unit =
        /^(?:(?:apt\.?|apartment|suite|ste\.?|unit|flat|floor|fl\.|room|rm\.?|bldg\.?) ?#? ?[0-9]{1,5}[a-z]?)/i.exec(
          segment,
        );
      if (unit) {
        current = cursor + unit[0].length;
        continue;
      }
      return current;
    }
    if (!isPlaceSegment(segment, lowerCase)) {
      // "Makareao, nan 57132 in case of an issue": keep the longest leading part that is a place
      const words = segment.split(' ');
      let kept = '';
      for (let count = words.length - 1; count >= 1; count -= 1) {
        const prefix = words.slice(0, count).join(' ');
        if (isPlaceSegment(prefix, lowerCase)) {
          kept = prefix;
          break;
        }
      }
      if (kept === '') return current;
      return cursor + kept.length;
    }
    current = cursor + segment.length;
    // A country (with or without a postal code) is the last line of an address.
    if (gazetteer().countries.has(segment.toLowerCase().replace(/[,]?\s*[0-9]{4,6}$/u, ''))) return current;
  }
  return current;
}

interface Line {
  start: number;
  end: number;
  digitRuns: number;
  /** Holds "number Capitalised-words number" (a street line without a street word). */
  hasCapital: boolean;
  /** Holds a token starting with a capital letter. */
  anyCapital: boolean;
  hasStreet: boolean;
  hasUnit: boolean;
  /** Holds two or three capitals, a space and a digit (`IL 62704`), which `City, ST 12345` needs. */
  hasStateZip: boolean;
}

const unitWords = new Set([
  'apt',
  'apartment',
  'suite',
  'ste',
  'unit',
  'flat',
  'floor',
  'fl',
  'room',
  'rm',
  'bldg',
  'box',
  'fpo',
  'apo',
  'dpo',
  'psc',
  'usns',
  'uss',
  'usnv',
  'uscgc',
]);

/** Splits `text` into lines and notes, with one scan, what each line contains. */
function linesOf(text: string, lowerText?: string): Line[] {
  const lowerTextSameLength = lowerText !== undefined && lowerText.length === text.length;
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const line: Line = {
      start,
      end,
      digitRuns: 0,
      hasCapital: false,
      anyCapital: false,
      hasStreet: false,
      hasUnit: false,
      hasStateZip: false,
    };
    // Whitespace-separated tokens: numbers, words; "number Capitalised... number" sets hasCapital.
    let tokenStart = -1;
    let wordsSinceNumber = -1;
    for (let index = start; index <= end; index += 1) {
      const code = index < end ? text.charCodeAt(index) : 32;
      // separators: space, tab, CR, comma, semicolon, parentheses, quotes
      const space =
        code === 32 ||
        code === 9 ||
        code === 13 ||
        code === 44 ||
        code === 59 ||
        code === 40 ||
        code === 41 ||
        code === 34 ||
        code === 39;
      if (!space && tokenStart < 0) tokenStart = index;
      if (!space || tokenStart < 0) continue;
      const from = tokenStart;
      tokenStart = -1;
      const first = text.charCodeAt(from);
      if (first >= 48 && first <= 57) {
        line.digitRuns += 1;
        if (wordsSinceNumber >= 1 && wordsSinceNumber <= 5) line.hasCapital = true;
        wordsSinceNumber = 0;
        continue;
      }
      // bare(token) without slicing the token first: ASCII tokens are cut from the lower-cased text.
      let bareEnd = index;
      while (bareEnd > from && (text.charCodeAt(bareEnd - 1) === 46 || text.charCodeAt(bareEnd - 1) === 44))
        bareEnd -= 1;
      let ascii = true;
      let upperOnly = true;
      for (let position = from; position < index; position += 1) {
        const code = text.charCodeAt(position);
        if (code >= 128) ascii = false;
        if (code < 65 || code > 90) upperOnly = false;
      }
      const lower =
        ascii && lowerText !== undefined && lowerTextSameLength
          ? lowerText.slice(from, bareEnd)
          : text.slice(from, bareEnd).toLowerCase();
      if (isStreetWord(lower)) line.hasStreet = true;
      const tokenLength = index - from;
      if (
        tokenLength >= 2 &&
        tokenLength <= 3 &&
        upperOnly &&
        text.charCodeAt(index) === 32 &&
        isDigitCode(text.charCodeAt(index + 1))
      )
        line.hasStateZip = true;
      if (unitWords.has(lower) || lower === 'p.o' || lower === 'p' || lower === 'c/') line.hasUnit = true;
      const capitalised =
        first < 128 ? first >= 65 && first <= 90 : text.charAt(from) !== text.charAt(from).toLowerCase();
      if (capitalised) {
        line.anyCapital = true;
        if (wordsSinceNumber >= 0) wordsSinceNumber += 1;
      } else if (!nameParticles.has(lower)) wordsSinceNumber = -1;
      else if (wordsSinceNumber >= 0) wordsSinceNumber += 1;
    }
    lines.push(line);
    if (newline === -1) break;
    start = newline + 1;
  }
  return lines;
}

/** `[0-9\-/:.#]`: a character that glues a number to an identifier (NaN, before the text: no). */
function isGlueCode(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || code === 45 || code === 47 || code === 58 || code === 46 || code === 35
  );
}

/** Parts of one address found by different patterns become one finding (union, highest score). */
function mergeOverlapping(findings: Finding[]): Finding[] {
  const sorted = [...findings].sort((left, right) => left.start - right.start);
  const merged: Finding[] = [];
  for (const finding of sorted) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && finding.start < previous.end) {
      previous.end = Math.max(previous.end, finding.end);
      previous.score = Math.max(previous.score, finding.score);
    } else merged.push({ ...finding });
  }
  return merged;
}

/**
 * Postal addresses, reported as LOCATION: a street line (house number and street name in
 * either order, a street word such as `Street`, `Rua`, `Rue`, `Straße` or a suffix such as
 * `-veien`, `-gasse`, `-katu`), units and boxes (`Apt. 12`, `Suite 5`, `P.O. Box 9`, military
 * `PSC`/`APO`/`FPO`/`DPO`), and `City, ST 12345`; a street line is extended over the unit, city,
 * region, postal code and country segments that follow it. Street lines score 0.9, lone units
 * 0.6.
 */
export function createAddressRecognizer(): Recognizer {
  return {
    name: 'address',
    entities: ['LOCATION'],
    scan(input: ScanInput): Finding[] {
      const { text } = input;
      const findings: Finding[] = [];
      const add = (start: number, end: number, score: number): void => {
        const lowerCase = isLowerCaseSpan(text, start, end);
        findings.push({
          type: 'LOCATION',
          subtype: 'address',
          start,
          end: extend(text, end, lowerCase),
          score,
          detector: 'address',
        });
      };
      const run = (pattern: LinearRegex, line: Line, retry: boolean): void => {
        forEachMatch(pattern, text, line.start, line.end, (match) => {
          const matchStart = match.start;
          const matchEnd = match.end;
          if (!retry) {
            add(matchStart, matchEnd, pattern === cityStateZip ? 0.75 : 0.6);
            return true;
          }
          // a number glued to other digits or identifiers ("219-45-8812") is not a house number
          const glued = isGlueCode(text.charCodeAt(matchStart - 1));
          const span = glued
            ? undefined
            : streetSpan(wordsOf(text.slice(matchStart, matchEnd).replace(/,/g, ' '), matchStart));
          if (span) {
            add(span.start, span.end, 0.9);
            return Math.max(span.end, matchStart + 1);
          }
          // no street line here: retry from the next word of the match
          const space = text.indexOf(' ', matchStart + 1);
          return space < 0 || space >= matchEnd ? matchEnd : space + 1;
        });
      };
      // Each pattern runs only on the lines that can hold what it looks for.
      for (const line of linesOf(text, input.lowerText)) {
        if (line.hasStreet) {
          run(streetNamed, line, true);
          if (line.digitRuns > 0) run(wordLed, line, true);
        }
        if (line.digitRuns > 0 && (line.hasStreet || line.hasCapital)) run(numberLed, line, true);
        if (line.hasUnit) run(units, line, false);
        if (line.digitRuns > 0 && line.anyCapital && line.hasStateZip) run(cityStateZip, line, false);
      }
      return mergeOverlapping(findings);
    },
  };
}
