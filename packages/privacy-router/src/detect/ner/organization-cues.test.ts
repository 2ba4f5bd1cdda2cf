import { describe, expect, it } from 'vitest';
import { createDetector } from '../create-detector.js';

const detector = createDetector();

/** The organisations and people found in `text`, as [type, text] pairs. */
function found(text: string): string[][] {
  return detector
    .scan(text)
    .filter((finding) => finding.type === 'ORGANIZATION' || finding.type === 'PERSON')
    .map((finding) => [finding.type, text.slice(finding.start, finding.end)]);
}

function organizations(text: string): string[] {
  return found(text)
    .filter(([type]) => type === 'ORGANIZATION')
    .map(([, name]) => name ?? '');
}

describe('organisations', () => {
  it('finds well-known names, acronyms and names that start with a known organisation', () => {
    expect(organizations('I work at Deloitte and read the KPMG audit on Google Maps.')).toEqual([
      'Deloitte',
      'KPMG',
      'Google Maps',
    ]);
    expect(organizations('Summarise: Goldman Sachs and Morgan Stanley raised forecasts.')).toEqual([
      'Goldman Sachs',
      'Morgan Stanley',
    ]);
  });

  it('finds legal forms in capitals and lower case, with the period of the abbreviation', () => {
    expect(organizations('Invoices from Stark Logistics LLC and Siemens AG are late.')).toEqual([
      'Stark Logistics LLC',
      'Siemens AG',
    ]);
    expect(organizations('the morningstar inc. office and davis ltd. signed')).toEqual([
      'morningstar inc.',
      'davis ltd.',
    ]);
    expect(organizations('Smith Ltd. is hiring, and so is Harris and Sons.')).toEqual([
      'Smith Ltd.',
      'Harris and Sons',
    ]);
  });

  it('finds organisations by the noun after them and by a strong cue before them', () => {
    expect(organizations('Book a room at the Pied Piper office. Initech’s CEO will join.')).toEqual([
      'Pied Piper',
      'Initech',
    ]);
    expect(organizations('She works at John Lewis; the startup was acquired by Oliver Wyman.')).toEqual([
      'John Lewis',
      'Oliver Wyman',
    ]);
  });

  it('finds partnerships, hyphenated firm names, `X & Y` firms and company lines of signatures', () => {
    expect(organizations('The Jones, Mitchell and Williams office is at the corner.')).toEqual([
      'Jones, Mitchell and Williams',
    ]);
    expect(organizations('We met at Becker-Shaffer and at Smith & Wesson.')).toEqual([
      'Becker-Shaffer',
      'Smith & Wesson',
    ]);
    const signature =
      'Thanks,\n\nMaria Gonzalez\nProcurement Lead\nFabrikam Logistik\n1200 Harbor Blvd\nOakland';
    expect(found(signature)).toEqual([
      ['PERSON', 'Maria Gonzalez'],
      ['ORGANIZATION', 'Fabrikam Logistik'],
    ]);
  });

  it('keeps a list of people a list of people', () => {
    expect(
      found('Our 3 founders: Abakumova, Wallace and Perez. They met Smith, Jones and Brown.'),
    ).not.toContainEqual(expect.arrayContaining(['ORGANIZATION']));
  });
});

describe('organisation near misses (each would be an organisation without its safeguard)', () => {
  it('does not take identifiers in code and configuration for organisations', () => {
    // Known names (`OpenAI`, `Anthropic`) and acronyms (`IBM`, `SAP`) inside identifiers.
    const code =
      'const client = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });\n' +
      'from openai import OpenAI\nclient = OpenAI()\n' +
      'export IBM_CLOUD_REGION=eu-de SAP_CLIENT=100\nmake deploy CONFIG=sap-client.yaml';
    expect(organizations(code)).toEqual([]);
    // The same names in prose are found.
    expect(organizations('We compared Anthropic and OpenAI; IBM and SAP were too slow.')).toEqual([
      'Anthropic',
      'OpenAI',
      'IBM',
      'SAP',
    ]);
  });

  it('does not take cloud resources, subjects or kinds of office for organisations (nor for people)', () => {
    const text =
      'Create a Security Group and a Resource Group, deploy to Azure Kubernetes Service. ' +
      'The course covers Distributed Systems, Neural Networks and Social Media. ' +
      'Fill in the Terms & Conditions page and the Sales & Marketing section of the Head Office report.';
    expect(found(text)).toEqual([]);
    // The same organisation words after a name do make an organisation.
    expect(organizations('Globex Group hired Initrode Services.')).toEqual([
      'Globex Group',
      'Initrode Services',
    ]);
  });

  it('keeps people with a possessive office, after an honorific, or working for someone, people', () => {
    expect(found('Call Ann Lee’s office. Mr. Bloomberg said so. Tom Smith works for Jane Brown.')).toEqual([
      ['PERSON', 'Ann Lee'],
      ['PERSON', 'Mr. Bloomberg'],
      ['PERSON', 'Tom Smith'],
      ['PERSON', 'Jane Brown'],
    ]);
  });

  it('does not take hyphenated given names, compounds or place names in capitals for firms', () => {
    expect(
      organizations('Jean-Pierre and Anne-Lise filed the Follow-Up; the Multi-Factor login works.'),
    ).toEqual([]);
    expect(organizations('I am in SAINT-DIÉ for a business trip.')).toEqual([]);
  });

  it('does not take headings over numbered lists or an addressee line for company lines', () => {
    const notes = 'Release Notes\nBug Fixes\n3 issues fixed\nAction Items\n1. update the docs';
    expect(organizations(notes)).toEqual([]);
    // Without a person's name above, a line before an address is not a company line either.
    expect(organizations('Ship to:\nFabrikam Logistik\n1200 Harbor Blvd\nOakland')).toEqual([]);
  });

  it('does not report bands from the lexicon as organisations', () => {
    expect(organizations('the clubs where Metallica first played')).toEqual([]);
  });
});
