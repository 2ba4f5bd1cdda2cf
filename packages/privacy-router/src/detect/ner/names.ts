import type { EntityType, Finding } from '../finding.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { type Gazetteer, gazetteer } from './gazetteer.js';
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
}

function isCommon(word: string, lexicon: Gazetteer): boolean {
  return lexicon.commonWords.has(word) || neverNames.has(word);
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
    let next = index + 1;
    while (next < tokens.length) {
      const token = tokens[next];
      const previous = members[members.length - 1];
      if (token === undefined || previous === undefined) break;
      const afterHonorific =
        honorifics.has(previous.lower) && (token.gapBefore === '. ' || token.gapBefore === ' ');
      if (!afterHonorific && (token.gapBefore !== ' ' || token.sentenceStart)) break;
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
    chunks.push({ chunk: { tokens: members, start: first.start, end: last.end }, index });
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
      for (const { chunk, index } of chunksOf(tokens)) classifyChunk(chunk, index, tokens, lexicon, findings);
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
      // Countries written in lower case ("from nauru").
      for (const token of tokens) {
        if (
          !token.capitalized &&
          lexicon.countries.has(token.lower) &&
          !isCommon(token.lower, lexicon) &&
          token.lower.length > 3
        )
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
  if (
    lexicon.organizations.has(phrase) ||
    (members.length >= 2 && lexicon.organizationSuffixes.has(last.lower))
  ) {
    findings.push(finding('ORGANIZATION', start, end, 0.75));
    return;
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
          { tokens: members.slice(0, cut), start, end: members[cut - 1]?.end ?? start },
          index,
          tokens,
          lexicon,
          findings,
        );
        return;
      }
    }
  }
  const firstIsGiven = lexicon.firstNames.has(first.lower);
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
  else if (organizationContext.has(contextWord)) findings.push(finding('ORGANIZATION', start, end, 0.5));
  else if (personContext.has(contextWord) || members.length >= 2)
    findings.push(finding('PERSON', start, end, members.length >= 2 ? 0.6 : 0.5));
}
