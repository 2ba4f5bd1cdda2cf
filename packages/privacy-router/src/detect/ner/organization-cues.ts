import type { Gazetteer } from './gazetteer.js';
import type { Token } from './tokenize.js';

/** Nouns after a capitalised phrase that make it an organisation (`the Globex office`, `Initech's CEO`). */
const followingNouns = new Set([
  'office',
  'offices',
  'headquarters',
  'hq',
  'employees',
  'shareholders',
  'spokesperson',
  'spokesman',
  'spokeswoman',
  'subsidiary',
  'subsidiaries',
  'ceo',
  'cfo',
  'cto',
  'coo',
]);
/** Of {@link followingNouns}, those that also follow a person's name in the possessive (`Dr. Lee's office`). */
const personalPossessions = new Set(['office', 'offices']);
/**
 * Capitalised words before `office` that name a kind of office, not an organisation
 * (`Head Office`, `the Post Office`, `Sales office`).
 */
const officeQualifiers = new Set([
  'head',
  'main',
  'home',
  'post',
  'box',
  'front',
  'back',
  'field',
  'branch',
  'regional',
  'local',
  'sales',
  'press',
  'central',
  'registered',
  'district',
  'foreign',
  'war',
  'oval',
  'tax',
  'patent',
  'ticket',
  'tourist',
  'information',
  'land',
  'public',
  'records',
  'cabinet',
  'passport',
  'immigration',
  'customs',
  'corporate',
  'global',
  'country',
  'county',
  'city',
  'state',
  'federal',
  'principal',
  'satellite',
  'remote',
  'open',
  'private',
  'virtual',
  'new',
  'old',
  'our',
  'your',
  'their',
  'my',
]);
/**
 * Words two before a capitalised phrase that, with the preposition between them, say it is an
 * organisation even when the phrase looks like a person's name (`works at John Lewis`,
 * `acquired by Oliver Wyman`, `CEO of Jj Keller`).
 */
const strongCuesBefore: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [
    'at',
    new Set([
      'work',
      'works',
      'worked',
      'working',
      'employed',
      'employee',
      'employees',
      'job',
      'jobs',
      'intern',
      'interned',
      'internship',
      'position',
      'role',
      'career',
      'engineer',
      'developer',
      'analyst',
      'consultant',
      'director',
      'researcher',
      'scientist',
    ]),
  ],
  ['for', new Set(['work', 'works', 'worked', 'working'])],
  ['by', new Set(['employed', 'acquired', 'owned', 'sponsored'])],
  [
    'of',
    new Set([
      'subsidiary',
      'division',
      'ceo',
      'cfo',
      'cto',
      'coo',
      'employee',
      'employees',
      'customer',
      'customers',
      'shareholder',
      'shareholders',
      'founder',
      'cofounder',
      'co-founder',
    ]),
  ],
]);
/** Legal forms written after a name in capitals or lower case (`Acme LLC`, `davis ltd.`). */
const legalForms = new Set(['inc', 'ltd', 'llc', 'llp', 'plc', 'gmbh', 'corp']);
/** Legal forms that are also short words or abbreviations, accepted only in capitals (`Siemens AG`). */
const capitalLegalForms = new Set([
  'ag',
  'sa',
  'nv',
  'bv',
  'co',
  'kg',
  'se',
  'oy',
  'ab',
  'as',
  'spa',
  'srl',
  'pty',
]);
/** Legal-form abbreviations whose period belongs to the name (`Smith Ltd.`). */
const abbreviations = new Set(['inc', 'ltd', 'corp', 'co', 'bros', 'assn']);
/** Verbs after a list of names that treat it as one thing (`Davis, Reynolds and Williamson is`). */
const singularVerbs = new Set(['is', 'was', 'has']);
/** Words before a list of names that introduce one organisation (`at Jones, Mitchell and Williams`). */
const listIntroductions = new Set(['the', 'at', 'joined', 'for']);
/** First words of a military or post-box address line (`PSC 7004, Box 8380`, `Unit 4181 Box 1281`). */
const addressLineStarts = new Set(['psc', 'unit', 'usns', 'usnv', 'uss', 'uscgc', 'box', 'po', 'p']);

function isUpperAscii(code: number): boolean {
  return code >= 65 && code <= 90;
}

/** Whether `token` is written in capitals only (ASCII letters; its first two letters are checked). */
function isAllCapitals(text: string, token: Token): boolean {
  return isUpperAscii(text.charCodeAt(token.start)) && isUpperAscii(text.charCodeAt(token.start + 1));
}

/**
 * The organisation cue after a phrase ending with `last`: `plain` for `X office`, `possessive` for
 * `X's headquarters`, `undefined` without one.
 */
export function followingCue(tokens: readonly Token[], last: Token): 'plain' | 'possessive' | undefined {
  const next = tokens[last.index + 1];
  if (next === undefined) return undefined;
  if (next.gapBefore === ' ') return followingNouns.has(next.lower) ? 'plain' : undefined;
  if ((next.gapBefore === "'" || next.gapBefore === '’') && next.lower === 's') {
    const noun = tokens[next.index + 1];
    if (noun !== undefined && noun.gapBefore === ' ' && followingNouns.has(noun.lower))
      return personalPossessions.has(noun.lower) ? undefined : 'possessive';
  }
  return undefined;
}

/**
 * Whether the words of a phrase followed by `office` may name an organisation: not a single
 * common word (`Sales office`) and not a kind of office (`Head Office`, `Post Office`).
 */
export function namesAnOfficeHolder(members: readonly Token[], lexicon: Gazetteer): boolean {
  const first = members[0];
  if (first === undefined || officeQualifiers.has(first.lower)) return false;
  return members.length > 1 || !lexicon.commonWords.has(first.lower);
}

/**
 * The preposition of a strong organisation cue in the two words before `first` (`at` of
 * `works at`, `by` of `acquired by`), or `undefined`.
 */
export function strongCueBefore(tokens: readonly Token[], first: Token): string | undefined {
  const preposition = tokens[first.index - 1];
  const verb = tokens[first.index - 2];
  if (preposition === undefined || verb === undefined || first.gapBefore !== ' ') return undefined;
  if (preposition.gapBefore !== ' ') return undefined;
  return strongCuesBefore.get(preposition.lower)?.has(verb.lower) ? preposition.lower : undefined;
}

/** Code keywords before a class or module name (`new OpenAI(`, `import Anthropic`). */
const codeKeywordsBefore = new Set(['new', 'import', 'extends', 'implements', 'class']);

/**
 * Whether the capitalised phrase `start`..`end` (first word `first`) is an identifier in code or
 * configuration rather than a name in prose: glued to `_`, `.`, `/`, `$`, `@`, `-`, `=` or a call
 * parenthesis (`ANTHROPIC_API_KEY`, `openai.OpenAI(`, `OpenAI()`), or after `new`/`import`.
 */
export function isCodeIdentifier(
  text: string,
  tokens: readonly Token[],
  start: number,
  end: number,
  first: Token,
): boolean {
  const before = text.charCodeAt(start - 1);
  if (before === 95 || before === 46 || before === 47 || before === 36 || before === 64 || before === 61)
    return true;
  const after = text.charCodeAt(end);
  if (after === 95 || after === 47 || after === 61 || after === 64 || after === 40 || after === 60)
    return true;
  if (after === 46) {
    const next = text.charCodeAt(end + 1);
    if ((next >= 65 && next <= 90) || (next >= 97 && next <= 122)) return true;
  }
  const previous = tokens[first.index - 1];
  return previous !== undefined && first.gapBefore === ' ' && codeKeywordsBefore.has(previous.lower);
}

/** Words after `and` that end a firm name (`Smith and Sons`, `Marlin and Associates`). */
const partnerWords = new Set(['sons', 'associates', 'partners', 'company']);

/**
 * The last token of a legal form right after `last` (`Acme LLC`, `Siemens AG`, `Smith and
 * Sons`), if any.
 */
export function legalFormAfter(text: string, tokens: readonly Token[], last: Token): Token | undefined {
  const next = tokens[last.index + 1];
  if (next === undefined || (next.gapBefore !== ' ' && next.gapBefore !== ', ')) return undefined;
  if (legalForms.has(next.lower)) return next;
  if (capitalLegalForms.has(next.lower) && isAllCapitals(text, next)) return next;
  if (next.lower === 'and' && next.gapBefore === ' ') {
    const partner = tokens[next.index + 1];
    if (partner?.capitalized && partner.gapBefore === ' ' && partnerWords.has(partner.lower)) return partner;
  }
  return undefined;
}

/** The end of an organisation name ending with `last`, including the period of `Ltd.` or `Inc.`. */
export function organizationEnd(text: string, last: Token): number {
  return abbreviations.has(last.lower) && text.charCodeAt(last.end) === 46 ? last.end + 1 : last.end;
}

/**
 * A lower-case name before a legal form (`morningstar inc.`, `davis ltd.`): the legal-form token
 * when `token` is one and the word before it can be a name.
 */
export function isLowerCaseLegalForm(token: Token): boolean {
  const length = token.end - token.start;
  return (length === 3 || length === 4) && !token.capitalized && legalForms.has(token.lower);
}

/**
 * `A, B and C` of capitalised names that is one organisation (a partnership such as a law firm):
 * introduced by `the`/`at`, or followed by a singular verb or an organisation noun. Returns the
 * last token of the list, or `undefined`. `first` must be a capitalised word that is not itself
 * the end of a longer list.
 */
export function partnershipFrom(tokens: readonly Token[], first: Token): Token | undefined {
  const second = tokens[first.index + 1];
  const and = tokens[first.index + 2];
  const third = tokens[first.index + 3];
  if (second === undefined || and === undefined || third === undefined) return undefined;
  if (second.gapBefore !== ', ' || !second.capitalized || second.sentenceStart) return undefined;
  if (and.lower !== 'and' || and.gapBefore !== ' ') return undefined;
  if (third.gapBefore !== ' ' || !third.capitalized) return undefined;
  const before = tokens[first.index - 1];
  if (before !== undefined && first.gapBefore === ', ') return undefined;
  const after = tokens[third.index + 1];
  if (after?.gapBefore === ' ' && after.capitalized) return undefined;
  const introduced = before !== undefined && !first.sentenceStart && listIntroductions.has(before.lower);
  const sentenceStartThe =
    before !== undefined && before.lower === 'the' && before.sentenceStart && first.gapBefore === ' ';
  const singular =
    after !== undefined &&
    after.gapBefore === ' ' &&
    (singularVerbs.has(after.lower) || followingNouns.has(after.lower));
  return introduced || sentenceStartThe || singular ? third : undefined;
}

/** Word prefixes that make a hyphenated capitalised word a compound, not two names (`Multi-Factor`). */
const compoundPrefixes = new Set([
  'anti',
  'non',
  'pre',
  'post',
  'multi',
  'self',
  'cross',
  'semi',
  'mid',
  'over',
  'under',
]);

/**
 * A single hyphenated word of two capitalised names (`Becker-Shaffer`, `Weeks-Rivas`), the usual
 * shape of firm names, unless it is a double given name (`Anne-Lise`, `Jean-Pierre`), both halves are
 * common words (`Follow-Up`), a half is shorter than three letters (`Wi-Fi`) or the first is a
 * prefix (`Multi-Factor`).
 */
export function isNamePair(text: string, token: Token, lexicon: Gazetteer): boolean {
  const hyphen = token.lower.indexOf('-');
  if (hyphen < 3 || token.end - token.start - hyphen - 1 < 3 || token.lower.indexOf('-', hyphen + 1) >= 0)
    return false;
  // `Becker-Shaffer`, not `SAINT-DIÉ` (capitals are a place on an envelope) or `Self-service`.
  const second = token.start + hyphen + 1;
  if (!isUpperAscii(text.charCodeAt(second)) || isUpperAscii(text.charCodeAt(second + 1))) return false;
  const left = token.lower.slice(0, hyphen);
  const right = token.lower.slice(hyphen + 1);
  if (compoundPrefixes.has(left)) return false;
  // `Anne-Lise`, `Jean-Pierre`: given names, not two family names.
  if (lexicon.firstNames.has(left) && (!lexicon.lastNames.has(left) || lexicon.firstNames.has(right)))
    return false;
  if (lexicon.firstNames.has(right) && !lexicon.lastNames.has(left)) return false;
  return !(lexicon.commonWords.has(left) && lexicon.commonWords.has(right));
}

/** Whether the line starting at `gap[from]` starts with a house number (`42 Main St`, not `1. item`). */
function startsWithHouseNumber(gap: string, from: number): boolean {
  let position = from;
  while (position < gap.length && !isDigitCode(gap.charCodeAt(position))) {
    const code = gap.charCodeAt(position);
    // Bullets and indentation before the number are fine; a letter or another line break is not.
    if (code === 10) return false;
    position += 1;
  }
  if (position >= gap.length) return false;
  while (position < gap.length && isDigitCode(gap.charCodeAt(position))) position += 1;
  // The number is followed by a space or glued to the word that follows the gap (`12B`).
  return position >= gap.length || gap.charCodeAt(position) === 32;
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Whether the phrase `first`..`last` is the company line of a signature or an address block
 * (`Jane Roe\nProcurement Lead\nGlobex Industries\n42 Main Street`): a whole line, one of the two
 * lines before it starts with a person's name (`startsPersonName`), and the line after it starts
 * with a house number or a unit/box word (`PSC 7004, Box 8380`). A heading over a numbered list
 * (`Bug Fixes\n1. ...`) is no company line.
 */
export function isSignatureCompanyLine(
  tokens: readonly Token[],
  first: Token,
  last: Token,
  startsPersonName: (token: Token) => boolean,
): boolean {
  if (first.index === 0) return false;
  const lineBreak = first.gapBefore.lastIndexOf('\n');
  if (lineBreak < 0) return false;
  for (let position = lineBreak + 1; position < first.gapBefore.length; position += 1)
    if (isDigitCode(first.gapBefore.charCodeAt(position))) return false;
  const next = tokens[last.index + 1];
  if (next === undefined) return false;
  const gap = next.gapBefore;
  const nextBreak = gap.indexOf('\n');
  if (nextBreak < 0) return false;
  for (let position = 0; position < nextBreak; position += 1) {
    const code = gap.charCodeAt(position);
    if (code !== 32 && code !== 9 && code !== 13 && code !== 44) return false;
  }
  const addressNext =
    startsWithHouseNumber(gap, nextBreak + 1) ||
    (nextBreak === gap.lastIndexOf('\n') && addressLineStarts.has(next.lower));
  if (!addressNext) return false;
  // One of the two lines above starts with a person's name.
  let lines = 0;
  for (let index = first.index - 1; index >= 0 && lines < 2; index -= 1) {
    const token = tokens[index];
    if (token === undefined) break;
    if (index > 0 && !token.gapBefore.includes('\n')) continue;
    lines += 1;
    if (startsPersonName(token)) return true;
  }
  return false;
}

/**
 * Whether `token`, written in capitals, is a known organisation acronym standing alone as a word
 * (`at IBM`, `KPMG audited`), not part of an identifier (`IBM_HOME`, `sap-client`, `BBC.co`).
 */
export function isOrganizationAcronym(text: string, token: Token, lexicon: Gazetteer): boolean {
  const length = token.end - token.start;
  if (length < 3 || length > 6 || token.capitalized || !isAllCapitals(text, token)) return false;
  if (!lexicon.organizationAcronyms.has(token.lower)) return false;
  const before = text.charCodeAt(token.start - 1);
  if (before === 95 || before === 45 || before === 46 || before === 47 || before === 36 || before === 64)
    return false;
  const after = text.charCodeAt(token.end);
  if (after === 95 || after === 45 || after === 47 || after === 61 || after === 64) return false;
  if (after === 46) {
    const next = text.charCodeAt(token.end + 1);
    if ((next >= 65 && next <= 90) || (next >= 97 && next <= 122) || (next >= 48 && next <= 57)) return false;
  }
  return true;
}

/**
 * Two-word technical and everyday terms that end with an organisation word but name no
 * organisation (`Security Group`, `Kubernetes Service`, `Neural Networks`, `Blog Post`): written
 * capitalised in headings, UIs and cloud consoles, they appear in agent prompts all the time.
 */
const organizationWordTerms = new Set([
  'security group',
  'resource group',
  'resource groups',
  'user group',
  'log group',
  'target group',
  'placement group',
  'consumer group',
  'scaling group',
  'node group',
  'parameter group',
  'subnet group',
  'option group',
  'worker group',
  'control group',
  'focus group',
  'working group',
  'test group',
  'age group',
  'blood group',
  'kubernetes service',
  'container service',
  'storage service',
  'database service',
  'token service',
  'management service',
  'notification service',
  'queue service',
  'email service',
  'app service',
  'update service',
  'search service',
  'identity service',
  'directory service',
  'key service',
  'compute service',
  'logging service',
  'backup service',
  'web service',
  'web services',
  'windows service',
  'background service',
  'system service',
  'customer service',
  'operating systems',
  'distributed systems',
  'file systems',
  'embedded systems',
  'information systems',
  'neural networks',
  'social networks',
  'computer networks',
  'social media',
  'removable media',
  'open software',
  'free software',
  'bench press',
  'health insurance',
  'life insurance',
  'travel insurance',
  'blood bank',
  'food bank',
  'memory bank',
  'piggy bank',
  'circuit board',
  'message board',
  'kanban board',
  'control board',
  'blog post',
  'tagged union',
  'discriminated union',
  'human resources',
  'computing power',
  'solar power',
  'high school',
  'middle school',
  'hacker news',
  'breaking news',
  'sales marketing',
  'research development',
]);

/** Whether the last two words of `members` are one of {@link organizationWordTerms} or a kind of office. */
export function isOrganizationWordTerm(members: readonly Token[]): boolean {
  const last = members[members.length - 1];
  const before = members[members.length - 2];
  if (last === undefined || before === undefined) return false;
  if (last.lower === 'office' && officeQualifiers.has(before.lower)) return true;
  return organizationWordTerms.has(`${before.lower} ${last.lower}`);
}
