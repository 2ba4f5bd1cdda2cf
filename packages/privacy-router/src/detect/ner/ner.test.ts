import { describe, expect, it } from 'vitest';
import { createDetector } from '../create-detector.js';
import type { EntityType } from '../finding.js';

const detector = createDetector();

function found(text: string, ...types: EntityType[]): string[][] {
  return detector
    .scan(text)
    .filter((finding) => types.includes(finding.type))
    .map((finding) => [finding.type, text.slice(finding.start, finding.end)]);
}

describe('people, places, organisations', () => {
  it('finds a known given name with a family name, honorific names and context names', () => {
    expect(found('Please ask Rebecca Gairbekov about it.', 'PERSON')).toEqual([
      ['PERSON', 'Rebecca Gairbekov'],
    ]);
    expect(found('correct it to Dr. Jacob van Gameren', 'PERSON')).toEqual([
      ['PERSON', 'Dr. Jacob van Gameren'],
    ]);
    expect(found('"Great album," says Skjæveland', 'PERSON')).toEqual([['PERSON', 'Skjæveland']]);
  });

  it('finds countries, cities and organisations by suffix', () => {
    expect(found('I moved from Austria to Kraków last year', 'LOCATION')).toEqual([
      ['LOCATION', 'Austria'],
      ['LOCATION', 'Kraków'],
    ]);
    expect(found('She moved here from costa rica', 'LOCATION')).toHaveLength(1);
    expect(found('He works at Globex Holdings now', 'ORGANIZATION')).toEqual([
      ['ORGANIZATION', 'Globex Holdings'],
    ]);
  });

  it('does not take log levels, acronyms, code identifiers or sentence starters for names', () => {
    expect(found('2026-11-29T22:14:03.118Z ERROR payment failed', 'PERSON')).toEqual([]);
    expect(found('The SID AC8f3a2b1c and BIC ABNANL2A are ids.', 'PERSON', 'ORGANIZATION')).toEqual([]);
    expect(
      found('Refactor this function. Then run the tests.', 'PERSON', 'LOCATION', 'ORGANIZATION'),
    ).toEqual([]);
  });
});

describe('addresses', () => {
  it('finds street lines with their unit, city, region, postal code and country lines', () => {
    const text = 'Ship to 91 Rua João Pessoa 1636\n Apt. 522\n Recife\n Tuvalu 92910\nThanks!';
    expect(found(text, 'LOCATION')).toEqual([
      ['LOCATION', '91 Rua João Pessoa 1636\n Apt. 522\n Recife\n Tuvalu 92910'],
    ]);
    expect(found('office: 2914 184th Street, Springfield, IL 62704.', 'LOCATION')).toEqual([
      ['LOCATION', '2914 184th Street, Springfield, IL 62704'],
    ]);
    expect(found('meet at Veslebakken 48 tomorrow', 'LOCATION')).toEqual([['LOCATION', 'Veslebakken 48']]);
    expect(found('Unit 4181 Box 1281\nDPO AA 57553', 'LOCATION')).toEqual([
      ['LOCATION', 'Unit 4181 Box 1281\nDPO AA 57553'],
    ]);
  });

  it('does not take dates, versions, titles or numbered lists for addresses', () => {
    expect(
      found(
        'DOB as 12 March 1991. Dr. Peter Garcia listed his top 20. Python 3 and Node 20. Chapter 12 Section 4.',
        'LOCATION',
      ),
    ).toEqual([]);
  });
});
