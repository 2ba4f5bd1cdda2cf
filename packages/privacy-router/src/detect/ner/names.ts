import type { EntityType, Finding } from '../finding.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { type Gazetteer, gazetteer } from './gazetteer.js';
import {
  followingCue,
  isCodeIdentifier,
  isLowerCaseLegalForm,
  isNamePair,
  isOrganizationAcronym,
  isOrganizationWordTerm,
  isSignatureCompanyLine,
  legalFormAfter,
  namesAnOfficeHolder,
  organizationEnd,
  partnershipFrom,
  strongCueBefore,
} from './organization-cues.js';
import { type Token, tokenize } from './tokenize.js';

const honorifics = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'sir',
  'madam',
  'dame',
  'lady',
  'lord',
  'mister',
  'señor',
  'herr',
  'frau',
]);
const nameParticles = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'da',
  'di',
  'du',
  'del',
  'della',
  'la',
  'le',
  'bin',
  'ben',
  'al',
  'el',
  'dos',
  'das',
  'ter',
  'ten',
]);
/** Words before a capitalised phrase that say it is a person. */
const personContext = new Set([
  'says',
  'said',
  'dear',
  'hi',
  'hello',
  'hey',
  'thanks',
  'thank',
  'regards',
  'cheers',
  'sincerely',
  'by',
  'with',
  'to',
  'contact',
  'ask',
  'asked',
  'tell',
  'told',
  'met',
  'meet',
  'call',
  'cc',
  'attn',
  'signed',
  'customer',
  'patient',
  'employee',
  'user',
  'manager',
  'colleague',
  'mr',
  'mrs',
  'ms',
  'dr',
  'name',
  'named',
  'called',
  'i’m',
  "i'm",
  'am',
  'is',
  'and',
  'from',
  'tribute',
  'assigned',
  'reviewer',
  'author',
  'owner',
  'starring',
  'featuring',
  'director',
  'mentor',
  'partner',
]);
const organizationContext = new Set([
  'at',
  'for',
  'joined',
  'company',
  'employer',
  'firm',
  'vendor',
  'client',
  'of',
  'works',
  'worked',
  'acquired',
  'startup',
  'team',
]);
const locationContext = new Set([
  'in',
  'from',
  'to',
  'near',
  'city',
  'country',
  'visiting',
  'visited',
  'moved',
  'live',
  'lives',
  'living',
  'born',
  'arrived',
  'based',
  'town',
  'village',
  'across',
  'reside',
]);
/** Capitalised words that start sentences or headings but are never names. */
const neverNames = new Set([
  'i',
  'the',
  'a',
  'an',
  'my',
  'our',
  'your',
  'his',
  'her',
  'their',
  'this',
  'that',
  'these',
  'those',
  'it',
  'we',
  'you',
  'he',
  'she',
  'they',
]);

interface Chunk {
  tokens: Token[];
  start: number;
  end: number;
  /** Two of its words are joined by ` & ` (`Procter & Gamble`). */
  ampersand: boolean;
}

function isCommon(word: string, lexicon: Gazetteer): boolean {
  return lexicon.commonWords.has(word) || neverNames.has(word);
}

function everyWordIsCommon(members: readonly Token[], lexicon: Gazetteer): boolean {
  for (const member of members) if (!isCommon(member.lower, lexicon)) return false;
  return true;
}

function previousWord(tokens: readonly Token[], index: number): Token | undefined {
  return index > 0 ? tokens[index - 1] : undefined;
}

function finding(type: EntityType, start: number, end: number, score: number): Finding {
  return { type, start, end, score, detector: 'names' };
}

/** Capitalised words separated by single spaces (or name particles such as `van der`) form a chunk. */
function chunksOf(tokens: readonly Token[]): { chunk: Chunk; index: number }[] {
  const chunks: { chunk: Chunk; index: number }[] = [];
  let index = 0;
  while (index < tokens.length) {
    const first = tokens[index];
    if (first === undefined || !first.capitalized) {
      index += 1;
      continue;
    }
    const members: Token[] = [first];
    let ampersand = false;
    let next = index + 1;
    while (next < tokens.length) {
      const token = tokens[next];
      const previous = members[members.length - 1];
      if (token === undefined || previous === undefined) break;
      const afterHonorific =
        honorifics.has(previous.lower) && (token.gapBefore === '. ' || token.gapBefore === ' ');
      const joinedByAmpersand = token.gapBefore === ' & ' && token.capitalized;
      if (joinedByAmpersand) ampersand = true;
      else if (!afterHonorific && (token.gapBefore !== ' ' || token.sentenceStart)) break;
      if (token.capitalized) members.push(token);
      else if (
        nameParticles.has(token.lower) &&
        tokens[next + 1]?.capitalized &&
        tokens[next + 1]?.gapBefore === ' '
      )
        members.push(token);
      else break;
      next += 1;
      if (members.length >= 6) break;
    }
    const last = members[members.length - 1] ?? first;
    chunks.push({ chunk: { tokens: members, start: first.start, end: last.end, ampersand }, index });
    index = next;
  }
  return chunks;
}

function joined(tokens: readonly Token[]): string {
  return tokens.map((token) => token.lower).join(' ');
}

/**
 * Names of people, places and organisations without a statistical model: capitalised phrases
 * are classified with compromise's bundled lexicon (given and family names, countries, regions,
 * cities, organisations, organisation words such as `Bank` or `University`) plus heuristics:
 * honorifics (`Dr. Smith`), a known given name followed by a capitalised word, organisation
 * suffixes (`Inc`, `GmbH`), and context words before an unknown capitalised phrase (`says X`,
 * `works at X`, `moved to X`). Countries are also matched in lower case. Linear in the text;
 * measured against compromise's own NLP in EVALUATION.md and BENCHMARKS.md.
 */
export function createNamesRecognizer(): Recognizer {
  const lexicon = gazetteer();
  return {
    name: 'names',
    entities: ['PERSON', 'LOCATION', 'ORGANIZATION'],
    scan(input: ScanInput): Finding[] {
      const tokens = tokenize(input.text, input.lowerText);
      const findings: Finding[] = [];
      const text = input.text;
      // Tokens up to this offset belong to a partnership name already reported.
      let coveredUntil = -1;
      for (const { chunk, index } of chunksOf(tokens)) {
        if (chunk.start < coveredUntil) continue;
        const head = chunk.tokens[0];
        const lastToken = chunk.tokens[chunk.tokens.length - 1];
        // `[The] Jones, Mitchell and Williams`: a partnership, one organisation.
        if (
          lastToken !== undefined &&
          (chunk.tokens.length === 1 || (chunk.tokens.length === 2 && head?.lower === 'the'))
        ) {
          const third = partnershipFrom(tokens, lastToken);
          if (third !== undefined) {
            findings.push(finding('ORGANIZATION', lastToken.start, organizationEnd(text, third), 0.7));
            coveredUntil = third.end;
            continue;
          }
        }
        classifyChunk(chunk, index, tokens, lexicon, findings, text);
      }
      // Multi-word places in any case ("Saint Vincent and the Grenadines", "costa rica").
      for (let index = 0; index < tokens.length; index += 1) {
        const head = tokens[index];
        if (head === undefined || !lexicon.placeFirstWords.has(head.lower)) continue;
        // Every candidate starts with the next word, right after a single space ("the" is the
        // first word of "the bahamas" and of thousands of phrases that are no place).
        const next = tokens[index + 1];
        if (next === undefined || next.gapBefore !== ' ') continue;
        if (!lexicon.placeFirstTwoWords.has(`${head.lower} ${next.lower}`)) continue;
        for (let size = Math.min(lexicon.longestEntryWords, tokens.length - index); size >= 2; size -= 1) {
          const members = tokens.slice(index, index + size);
          if (members.some((member, position) => position > 0 && member.gapBefore !== ' ')) continue;
          if (!lexicon.places.has(joined(members))) continue;
          const first = members[0];
          const last = members[members.length - 1];
          if (first && last)
            findings.push(finding('LOCATION', first.start, last.end, first.capitalized ? 0.8 : 0.6));
          index += size - 1;
          break;
        }
      }
      // Countries written in lower case ("from nauru"), organisation acronyms ("at IBM") and
      // lower-case names with a legal form ("davis ltd.").
      for (const token of tokens) {
        if (token.capitalized) continue;
        const length = token.end - token.start;
        if (length >= 3 && length <= 6 && isOrganizationAcronym(text, token, lexicon)) {
          findings.push(finding('ORGANIZATION', token.start, token.end, 0.7));
          continue;
        }
        if ((length === 3 || length === 4) && isLowerCaseLegalForm(token)) {
          const name = tokens[token.index - 1];
          if (
            name !== undefined &&
            !name.capitalized &&
            token.gapBefore === ' ' &&
            !isCommon(name.lower, lexicon) &&
            name.end - name.start > 1
          )
            findings.push(finding('ORGANIZATION', name.start, organizationEnd(text, token), 0.6));
          continue;
        }
        if (lexicon.countries.has(token.lower) && !isCommon(token.lower, lexicon) && token.lower.length > 3)
          findings.push(finding('LOCATION', token.start, token.end, 0.55));
      }
      return findings;
    },
  };
}

function classifyChunk(
  chunk: Chunk,
  index: number,
  tokens: readonly Token[],
  lexicon: Gazetteer,
  findings: Finding[],
  text: string,
): void {
  let members = chunk.tokens;
  // Drop leading words that are never names ("The", "My") and honorifics (kept as a signal).
  let honorific = false;
  while (members.length > 0) {
    const head = members[0];
    if (head === undefined) break;
    if (honorifics.has(head.lower)) {
      honorific = true;
      members = members.slice(1);
    } else if (
      neverNames.has(head.lower) ||
      (head.sentenceStart &&
        isCommon(head.lower, lexicon) &&
        members.length > 1 &&
        !lexicon.firstNames.has(head.lower) &&
        !lexicon.places.has(joined(members)))
    ) {
      members = members.slice(1);
    } else break;
  }
  const first = members[0];
  const last = members[members.length - 1];
  if (first === undefined || last === undefined) return;
  const start = first.start;
  const end = last.end;
  const phrase = joined(members);
  const before = previousWord(tokens, first.index);
  const beforeBefore = before ? previousWord(tokens, before.index) : undefined;
  const twoWordLocation =
    (before?.lower === 'at' || before?.lower === 'in') &&
    beforeBefore !== undefined &&
    locationContext.has(beforeBefore.lower);
  const labelled = first.sentenceStart && first.gapBefore.trim() === ':' && !first.gapBefore.includes('\n');
  const contextWord =
    before && before.end <= first.start && (!first.sentenceStart || labelled) ? before.lower : '';

  // Known places, whole phrase or a leading part of it ("Paris France" -> two places).
  if (lexicon.places.has(phrase)) {
    findings.push(finding('LOCATION', start, end, locationContext.has(contextWord) ? 0.85 : 0.75));
    return;
  }
  // Organisations: a legal form after the name (`Acme LLC`), a known name (not after an
  // honorific: `Mr. Ford`), an organisation word at the end (`Globex Holdings`), `X & Y`, a known
  // organisation followed by more capitalised words (`Google Maps`), a noun after it (`the Globex
  // office`, `Initech's CEO`), or a strong cue before it (`works at`, `acquired by`). Never for
  // identifiers in code (`new OpenAI(`, `ANTHROPIC_API_KEY`) or terms such as `Security Group`.
  const firstIsGivenName = lexicon.firstNames.has(first.lower);
  const inCode = isCodeIdentifier(text, tokens, start, end, first);
  if (!honorific && !inCode) {
    const legalForm = legalFormAfter(text, tokens, last);
    if (legalForm !== undefined) {
      findings.push(finding('ORGANIZATION', start, organizationEnd(text, legalForm), 0.75));
      return;
    }
    if (lexicon.organizations.has(phrase)) {
      findings.push(finding('ORGANIZATION', start, organizationEnd(text, last), 0.75));
      return;
    }
    if (members.length >= 2 && lexicon.organizationSuffixes.has(last.lower)) {
      // `Security Group`, `Head Office`, `Sales & Marketing`: no organisation, and no person either.
      if (isOrganizationWordTerm(members) || (chunk.ampersand && everyWordIsCommon(members, lexicon))) return;
      findings.push(finding('ORGANIZATION', start, organizationEnd(text, last), 0.75));
      return;
    }
    if (
      !firstIsGivenName &&
      members.length >= 2 &&
      (lexicon.organizations.has(first.lower) ||
        (chunk.ampersand &&
          members.some((member) => lexicon.lastNames.has(member.lower)) &&
          !everyWordIsCommon(members, lexicon)))
    ) {
      findings.push(finding('ORGANIZATION', start, end, 0.7));
      return;
    }
    const cue = followingCue(tokens, last);
    const cueBefore = strongCueBefore(tokens, first);
    if (
      (cue === 'plain' && namesAnOfficeHolder(members, lexicon)) ||
      (cue === 'possessive' && !firstIsGivenName && !lexicon.people.has(phrase)) ||
      (cueBefore !== undefined && (cueBefore !== 'for' || !firstIsGivenName))
    ) {
      findings.push(finding('ORGANIZATION', start, end, 0.7));
      return;
    }
  }
  if (lexicon.people.has(phrase)) {
    findings.push(finding('PERSON', start, end, 0.85));
    return;
  }
  if (members.length > 1) {
    // Split off known places inside a chunk ("John Smith London").
    for (let cut = 1; cut < members.length; cut += 1) {
      const tail = joined(members.slice(cut));
      if (lexicon.places.has(tail)) {
        const tailFirst = members[cut];
        if (tailFirst) findings.push(finding('LOCATION', tailFirst.start, end, 0.7));
        classifyChunk(
          { tokens: members.slice(0, cut), start, end: members[cut - 1]?.end ?? start, ampersand: false },
          index,
          tokens,
          lexicon,
          findings,
          text,
        );
        return;
      }
    }
  }
  const firstIsGiven = firstIsGivenName;
  const firstIsCommon = isCommon(first.lower, lexicon);
  const lastIsFamily = lexicon.lastNames.has(last.lower);
  if (honorific) {
    // the honorific is part of the name ("Dr. Peter Garcia")
    const title = chunk.tokens[0];
    findings.push(finding('PERSON', title?.start ?? start, Math.min(end, (members[2] ?? last).end), 0.85));
    return;
  }
  if (firstIsGiven && members.length >= 2 && members.length <= 4) {
    findings.push(finding('PERSON', start, end, firstIsCommon ? 0.6 : 0.85));
    return;
  }
  // A line of its own between another line and an address line: the company line of a
  // signature or an address block (`Jane Roe\nGlobex Industries\n42 Main Street`).
  if (
    !firstIsGiven &&
    isSignatureCompanyLine(
      tokens,
      first,
      last,
      (head) => honorifics.has(head.lower) || (head.capitalized && lexicon.firstNames.has(head.lower)),
    )
  ) {
    findings.push(finding('ORGANIZATION', start, end, 0.6));
    return;
  }
  if (
    members.length === 1 &&
    isNamePair(text, first, lexicon) &&
    !personContext.has(contextWord) &&
    !locationContext.has(contextWord)
  ) {
    findings.push(finding('ORGANIZATION', start, end, 0.6));
    return;
  }
  if (lastIsFamily && members.length >= 2 && members.length <= 4) {
    findings.push(finding('PERSON', start, end, 0.75));
    return;
  }
  if (members.length === 1 && firstIsGiven && !firstIsCommon) {
    const score = first.sentenceStart ? 0.55 : personContext.has(contextWord) ? 0.85 : 0.65;
    findings.push(finding('PERSON', start, end, score));
    return;
  }
  if (members.some((member) => isCommon(member.lower, lexicon))) return;
  // Unknown capitalised phrase: decide by the word before it.
  if (first.sentenceStart && !labelled) return;
  if (locationContext.has(contextWord) || twoWordLocation)
    findings.push(finding('LOCATION', start, end, 0.5));
  else if (organizationContext.has(contextWord) && !inCode)
    findings.push(finding('ORGANIZATION', start, end, 0.5));
  else if (personContext.has(contextWord) || (members.length >= 2 && !chunk.ampersand))
    findings.push(finding('PERSON', start, end, members.length >= 2 ? 0.6 : 0.5));
}
