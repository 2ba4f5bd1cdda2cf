import nlp from 'compromise';
import {
  excludedLexiconOrganizations,
  organizationAcronyms,
  wellKnownOrganizations,
} from './organization-names.js';
import { tokenize } from './tokenize.js';

/** Word lists for the name/place/organisation recognizer, drawn from compromise's bundled lexicon. */
export interface Gazetteer {
  /** Lower-case given names. */
  firstNames: ReadonlySet<string>;
  /** Lower-case family names. */
  lastNames: ReadonlySet<string>;
  /** Lower-case well-known people (full names, e.g. `barack obama`). */
  people: ReadonlySet<string>;
  /** Lower-case countries, regions, cities (may be several words). */
  places: ReadonlySet<string>;
  /** Lower-case countries only (also matched when written in lower case). */
  countries: ReadonlySet<string>;
  /**
   * Lower-case organisation names (may be several words), normalised like {@link tokenize} splits
   * them (`procter & gamble` is `procter gamble`): compromise's lexicon without its bands, plus the
   * curated {@link wellKnownOrganizations}.
   */
  organizations: ReadonlySet<string>;
  /** Lower-case organisation acronyms matched when written in capitals (`ibm`, `kpmg`). */
  organizationAcronyms: ReadonlySet<string>;
  /** Lower-case last words that make a capitalised phrase an organisation (`bank`, `inc`, `university`). */
  organizationSuffixes: ReadonlySet<string>;
  /** Lower-case words that compromise knows as something other than a name (common English words). */
  commonWords: ReadonlySet<string>;
  /** First words of the multi-word places (so that only promising positions are looked up). */
  placeFirstWords: ReadonlySet<string>;
  /** First two words (joined by a space) of the multi-word places: `the bahamas`, `new york`. */
  placeFirstTwoWords: ReadonlySet<string>;
  /** Longest place/organisation/person entry, in words. */
  longestEntryWords: number;
}

const nameTags = new Set(['FirstName', 'MaleName', 'FemaleName', 'LastName', 'Person', 'ProperNoun']);
const placeTags = new Set(['Country', 'City', 'Region', 'Place']);

// Legal-form and institution words compromise does not list.
const extraOrganizationSuffixes = [
  'inc',
  'inc.',
  'ltd',
  'ltd.',
  'llc',
  'llp',
  'plc',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'srl',
  'spa',
  'bv',
  'nv',
  'oy',
  'ab',
  'as',
  'asa',
  'pty',
  'corp',
  'corp.',
  'co.',
  'limited',
  'incorporated',
  'group',
  'holdings',
  'partners',
  'technologies',
  'labs',
  'systems',
  'solutions',
  'services',
  'software',
  'industries',
  'international',
  'ventures',
  'media',
  'networks',
  'pharmaceuticals',
  'university',
  'institute',
  'foundation',
  'hospital',
  'bank',
  'insurance',
  'motors',
  'airlines',
  'studios',
  'press',
];
const excludedOrganizationSuffixes = new Set([
  'co',
  'data',
  'design',
  'care',
  'coffee',
  'crew',
  'boys',
  'center',
  'centre',
  'club',
]);

let cached: Gazetteer | undefined;

/** An organisation name as the recognizer joins a chunk: its words, lower case, one space apart. */
function normalizedName(name: string): string {
  return tokenize(name)
    .map((token) => token.lower)
    .join(' ');
}

/** Builds the gazetteer once per process (about 25 000 lexicon entries; a few milliseconds). */
export function gazetteer(): Gazetteer {
  if (cached) return cached;
  const model = nlp.model() as unknown as {
    one: { lexicon: Record<string, string | string[]> };
    two?: { orgWords?: Record<string, unknown> };
  };
  const firstNames = new Set<string>();
  const lastNames = new Set<string>();
  const people = new Set<string>();
  const places = new Set<string>();
  const countries = new Set<string>();
  const organizations = new Set<string>();
  const commonWords = new Set<string>();
  const excludedOrganizations = new Set(excludedLexiconOrganizations);
  let longestEntryWords = 1;
  for (const [word, tagOrTags] of Object.entries(model.one.lexicon)) {
    const tags = Array.isArray(tagOrTags) ? tagOrTags : [tagOrTags];
    const words = word.split(' ').length;
    for (const tag of tags) {
      if (tag === 'FirstName' || tag === 'MaleName' || tag === 'FemaleName') firstNames.add(word);
      else if (tag === 'LastName') lastNames.add(word);
      else if (tag === 'Person' && words > 1) people.add(word);
      else if (tag === 'Country') {
        countries.add(word);
        places.add(word);
      } else if (placeTags.has(tag) && word.length > 4) places.add(word);
      else if (tag === 'Organization' && word.length > 3 && !excludedOrganizations.has(word))
        organizations.add(normalizedName(word));
    }
    if (tags.some((tag) => !nameTags.has(tag) && !placeTags.has(tag) && tag !== 'Organization'))
      commonWords.add(word);
    if (words > longestEntryWords && words <= 5) longestEntryWords = words;
  }
  for (const name of wellKnownOrganizations) organizations.add(normalizedName(name));
  organizations.delete('');
  const acronyms = new Set(organizationAcronyms.map((acronym) => acronym.toLowerCase()));
  const organizationSuffixes = new Set<string>(extraOrganizationSuffixes);
  for (const word of Object.keys(model.two?.orgWords ?? {}))
    if (!excludedOrganizationSuffixes.has(word)) organizationSuffixes.add(word);
  const placeFirstWords = new Set<string>();
  const placeFirstTwoWords = new Set<string>();
  for (const place of places) {
    const space = place.indexOf(' ');
    if (space > 0) {
      placeFirstWords.add(place.slice(0, space));
      const second = place.indexOf(' ', space + 1);
      placeFirstTwoWords.add(second < 0 ? place : place.slice(0, second));
    }
  }
  cached = {
    placeFirstWords,
    placeFirstTwoWords,
    firstNames,
    lastNames,
    people,
    places,
    countries,
    organizations,
    organizationAcronyms: acronyms,
    organizationSuffixes,
    commonWords,
    longestEntryWords,
  };
  return cached;
}
