#!/usr/bin/env node
// An independent phone-number test set: sentences holding phone numbers that @faker-js/faker
// generates for many locales (its `human`, `national` and `international` styles: with and
// without country codes, extensions, parentheses, dots, spaces, dashes), embedded in templates of
// four kinds (English context words, the locale's own phone label, no context at all, and
// signatures / contact blocks), plus near-miss negatives (order numbers, dates, ISBNs, versions,
// timestamps, amounts, postcodes, IP addresses ...) that must not be reported as phones.
// Deterministic: faker is seeded per locale (phoneFormatSeed + the locale's index).
//
// Scored span-level: a gold phone is found when one PHONE finding covers all its digits; every
// PHONE finding that overlaps no gold phone is a false positive.
//
// `node eval/phone-formats.mjs` (after building) prints the tables; `--errors` lists the misses
// and false positives. eval/evaluate.mjs includes the tables in EVALUATION.md.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  faker as englishFaker,
  fakerDA,
  fakerDE,
  fakerDE_CH,
  fakerEN_AU,
  fakerEN_CA,
  fakerEN_GB,
  fakerEN_IE,
  fakerEN_IN,
  fakerEN_US,
  fakerES,
  fakerES_MX,
  fakerFI,
  fakerFR,
  fakerHE,
  fakerIT,
  fakerJA,
  fakerKO,
  fakerNB_NO,
  fakerNL,
  fakerPL,
  fakerPT_BR,
  fakerPT_PT,
  fakerRU,
  fakerSV,
  fakerTR,
  fakerZH_CN,
} from '@faker-js/faker';
import { summarise } from './metrics.mjs';

const fakerVersion = createRequire(import.meta.url)('@faker-js/faker/package.json').version;

/** The seed of the set (each locale's faker is seeded with this plus the locale's index). */
export const phoneFormatSeed = 20261130;

/** How many phone sentences per locale. */
export const phonesPerLocale = 48;

/** faker locale -> its faker instance and the locale's own label for a phone number (used by the `local-label` templates). */
export const phoneLocales = {
  en_US: { faker: fakerEN_US, label: 'Phone' },
  en_GB: { faker: fakerEN_GB, label: 'Tel' },
  en_CA: { faker: fakerEN_CA, label: 'Phone' },
  en_AU: { faker: fakerEN_AU, label: 'Mobile' },
  en_IN: { faker: fakerEN_IN, label: 'Mobile' },
  en_IE: { faker: fakerEN_IE, label: 'Tel' },
  de: { faker: fakerDE, label: 'Telefon' },
  de_CH: { faker: fakerDE_CH, label: 'Tel.' },
  fr: { faker: fakerFR, label: 'Téléphone' },
  es: { faker: fakerES, label: 'Teléfono' },
  es_MX: { faker: fakerES_MX, label: 'Celular' },
  it: { faker: fakerIT, label: 'Telefono' },
  nl: { faker: fakerNL, label: 'Telefoon' },
  pt_BR: { faker: fakerPT_BR, label: 'Telefone' },
  pt_PT: { faker: fakerPT_PT, label: 'Telemóvel' },
  sv: { faker: fakerSV, label: 'Telefon' },
  pl: { faker: fakerPL, label: 'Telefon' },
  da: { faker: fakerDA, label: 'Tlf.' },
  nb_NO: { faker: fakerNB_NO, label: 'Tlf' },
  fi: { faker: fakerFI, label: 'Puhelin' },
  ja: { faker: fakerJA, label: '電話番号' },
  ko: { faker: fakerKO, label: '전화' },
  zh_CN: { faker: fakerZH_CN, label: '电话' },
  ru: { faker: fakerRU, label: 'Телефон' },
  tr: { faker: fakerTR, label: 'Telefon' },
  he: { faker: fakerHE, label: 'טלפון' },
};

const contextTemplates = [
  (phone) => `Call me at ${phone} if anything changes.`,
  (phone) => `Phone: ${phone}`,
  (phone) => `Tel. ${phone}`,
  (phone) => `You can reach me on ${phone} after 5pm.`,
  (phone) => `My mobile number is ${phone}, text me when you land.`,
  (phone) => `Please fax the signed form to ${phone} by Friday.`,
  (phone) => `For urgent issues ring the support hotline (${phone}).`,
  (phone) => `Her cell is ${phone} and she prefers WhatsApp.`,
  (phone) => `The customer left a callback number: ${phone}`,
  (phone) => `Contact the landlord on ${phone} about the deposit.`,
];

const bareTemplates = [
  (phone) => `My number is ${phone}.`,
  (phone, person) => `${person.name} can be reached at ${phone} during business hours.`,
  (phone) => `I tried ${phone} twice yesterday but nobody picked up.`,
  (phone, person) => `Update the CRM record for ${person.name}: new number ${phone}.`,
  (phone) => `Is ${phone} still the best way to get hold of you?`,
  (phone, person) => `${person.name} (${phone}) will join the meeting from ${person.city}.`,
  (phone) => `Send the confirmation to ${phone} as well.`,
  (phone, person) => `Emergency contact: ${person.name}, ${phone}`,
];

const signatureTemplates = [
  (phone, person) =>
    `Thanks for the quick turnaround.\n\nBest regards,\n${person.name}\n${person.job}, ${person.company}\n${phone}\n${person.email}`,
  (phone, person) => `${person.name} | ${person.company} | ${phone} | ${person.email}`,
  (phone, person) => `Name: ${person.name}\nEmail: ${person.email}\nMobile: ${phone}\nCity: ${person.city}`,
  (phone, person) => `--\n${person.name}\n${person.company}\nT: ${phone}\nW: www.example.com`,
  (phone, person) => `Kind regards,\n${person.name}\nM ${phone}`,
  (phone, person) => `${person.name}, ${person.email}, ${phone}, ${person.city}`,
];

const localTemplates = [
  (phone, _person, label) => `${label}: ${phone}`,
  (phone, _person, label) => `${label} ${phone}`,
];

/** Near-miss negatives: numbers shaped like phone numbers that are something else. */
const negativeTemplates = [
  ['order number', (faker) => `Order #${faker.string.numeric(8)} shipped today.`],
  [
    'order number',
    (faker) =>
      `Your order ${faker.string.numeric(3)}-${faker.string.numeric(7)}-${faker.string.numeric(7)} is on its way.`,
  ],
  [
    'order number',
    (faker) =>
      `Invoice INV-${faker.number.int({ min: 2019, max: 2026 })}-${faker.string.numeric(6)} is overdue.`,
  ],
  ['order number', (faker) => `PO ${faker.string.numeric(10)} was approved by finance.`],
  ['order number', (faker) => `Please quote ticket ${faker.string.numeric(7)} when you call us.`],
  ['date', (faker) => `The contract ends on ${faker.date.future({ years: 3 }).toISOString().slice(0, 10)}.`],
  [
    'date',
    (faker) => {
      const date = faker.date.past({ years: 5 });
      return `Meeting moved to ${String(date.getDate()).padStart(2, '0')}.${String(date.getMonth() + 1).padStart(2, '0')}.${date.getFullYear()}.`;
    },
  ],
  [
    'date',
    (faker) => {
      const date = faker.date.past({ years: 5 });
      return `Call me on ${String(date.getMonth() + 1).padStart(2, '0')}/${String(date.getDate()).padStart(2, '0')}/${date.getFullYear()} about the renewal.`;
    },
  ],
  [
    'date range',
    (faker) =>
      `He worked there ${faker.number.int({ min: 1980, max: 2000 })} - ${faker.number.int({ min: 2001, max: 2024 })} and again in 2025.`,
  ],
  [
    'timestamp',
    (faker) =>
      `Error logged at ${faker.date.recent().toISOString().replace('T', ' ').slice(0, 19)} on node 3.`,
  ],
  [
    'timestamp',
    (faker) => `created_at=${faker.number.int({ min: 1_500_000_000, max: 1_800_000_000 })} status=ok`,
  ],
  [
    'timestamp',
    (faker) =>
      `The job ran from ${faker.number.int({ min: 10, max: 23 })}:${faker.string.numeric(2)}:${faker.string.numeric(2)} to ${faker.number.int({ min: 10, max: 23 })}:${faker.string.numeric(2)}.`,
  ],
  ['ISBN', (faker) => `ISBN ${faker.commerce.isbn({ variant: 13, separator: '-' })}`],
  [
    'ISBN',
    (faker) =>
      `The second edition (ISBN ${faker.commerce.isbn({ variant: 10, separator: '-' })}) is out of print.`,
  ],
  ['version', (faker) => `Upgrade to v${faker.system.semver()} before the release.`],
  [
    'version',
    (faker) => `Windows build 10.0.${faker.string.numeric(5)}.${faker.string.numeric(4)} is affected.`,
  ],
  [
    'amount',
    (faker) =>
      `The total came to $${faker.number.int({ min: 1000, max: 9_999_999 }).toLocaleString('en-US')}.${faker.string.numeric(2)} including tax.`,
  ],
  [
    'amount',
    (faker) =>
      `Budget: ${faker.number.int({ min: 1_000_000, max: 99_999_999 }).toLocaleString('fr-FR')} € for 2026.`,
  ],
  [
    'amount',
    (faker) => `Revenue grew to 1 ${faker.string.numeric(3)} ${faker.string.numeric(3)} kr last year.`,
  ],
  [
    'postcode',
    (faker) =>
      `Ship to ${faker.location.city()}, ${faker.location.state({ abbreviated: true })} ${faker.string.numeric(5)}-${faker.string.numeric(4)}.`,
  ],
  ['postcode', (faker) => `Our office moved to ${faker.string.numeric(5)} ${faker.location.city()}.`],
  ['IP address', (faker) => `The server at ${faker.internet.ipv4()} refused the connection.`],
  [
    'IP address',
    (faker) =>
      `Allow 10.${faker.number.int(255)}.${faker.number.int(255)}.${faker.number.int(255)} through the firewall.`,
  ],
  [
    'coordinates',
    (faker) =>
      `Meet at ${faker.location.latitude({ precision: 4 })}, ${faker.location.longitude({ precision: 4 })}.`,
  ],
  [
    'measurement',
    (faker) =>
      `The part is ${faker.number.int({ min: 100, max: 999 })} x ${faker.number.int({ min: 100, max: 999 })} x ${faker.number.int({ min: 10, max: 99 })} mm.`,
  ],
  [
    'score',
    (faker) =>
      `Final scores: ${faker.number.int(30)}-${faker.number.int(30)}, ${faker.number.int(30)}-${faker.number.int(30)} and ${faker.number.int(30)}-${faker.number.int(30)}.`,
  ],
  [
    'page range',
    (faker) =>
      `See pages ${faker.number.int({ min: 100, max: 499 })}-${faker.number.int({ min: 500, max: 999 })} of volume ${faker.number.int({ min: 1, max: 40 })}.`,
  ],
  [
    'account id',
    (faker) => `Customer ID ${faker.string.numeric(9)} was merged into ${faker.string.numeric(9)}.`,
  ],
  [
    'tracking number',
    (faker) =>
      `Tracking: 1Z${faker.string.alphanumeric({ length: 6, casing: 'upper' })}${faker.string.numeric(10)}`,
  ],
  [
    'serial number',
    (faker) =>
      `Serial ${faker.string.numeric(4)}-${faker.string.numeric(4)}-${faker.string.numeric(4)} failed the check.`,
  ],
  [
    'number list',
    (faker) =>
      `Open ports ${faker.helpers.arrayElements(['22', '80', '443', '3000', '5432', '6379', '8080', '8443', '9090'], 3).join(' ')} on the host.`,
  ],
  [
    'number list',
    (faker) => `The RGB value is ${faker.number.int(255)} ${faker.number.int(255)} ${faker.number.int(255)}.`,
  ],
  [
    'number list',
    (faker) =>
      `Batch sizes ${faker.number.int({ min: 1, max: 9 }) * 100} ${faker.number.int({ min: 10, max: 99 }) * 10} ${faker.number.int({ min: 10, max: 99 }) * 10} worked best.`,
  ],
  [
    'number list',
    (faker) =>
      `Scores this week: ${faker.number.int({ min: 10, max: 99 })} ${faker.number.int({ min: 10, max: 99 })} ${faker.number.int({ min: 10, max: 99 })} ${faker.number.int({ min: 10, max: 99 })}.`,
  ],
  [
    'number list',
    (faker) =>
      `Allocated ${faker.number.int({ min: 100, max: 999 })} ${faker.number.int({ min: 100, max: 999 })} ${faker.number.int({ min: 100, max: 999 })} MB to the three workers.`,
  ],
];

/** Negatives per template (each with its own faker draws). */
export const negativesPerTemplate = 12;

function personOf(faker) {
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  return {
    name: `${firstName} ${lastName}`,
    email: englishFaker.internet.email({ firstName: 'contact', lastName: String(faker.number.int(999)) }),
    company: faker.company.name(),
    job: englishFaker.person.jobTitle(),
    city: faker.location.city(),
  };
}

/**
 * The set: `{ id, locale, kind, style, text, phones: [{ start, end, value }] }` for positives
 * (kind `context`, `local-label`, `bare`, `signature`) and `{ id, kind: 'negative', subkind, text,
 * phones: [] }` for the near misses.
 */
export function generatePhoneFormatSet() {
  const items = [];
  const styles = ['human', 'national', 'international'];
  const kinds = [
    ['context', contextTemplates],
    ['local-label', localTemplates],
    ['bare', bareTemplates],
    ['signature', signatureTemplates],
  ];
  Object.entries(phoneLocales).forEach(([locale, { faker, label }], localeIndex) => {
    faker.seed(phoneFormatSeed + localeIndex);
    englishFaker.seed(phoneFormatSeed + localeIndex);
    for (let index = 0; index < phonesPerLocale; index += 1) {
      const style = styles[index % styles.length];
      const [kind, templates] = kinds[Math.floor(index / styles.length) % kinds.length];
      const phone = faker.phone.number({ style });
      const template = templates[faker.number.int(templates.length - 1)];
      const text = template('\u0000', personOf(faker), label);
      const start = text.indexOf('\u0000');
      items.push({
        id: `${locale}-${index}`,
        locale,
        kind,
        style,
        text: text.replace('\u0000', phone),
        phones: [{ start, end: start + phone.length, value: phone }],
      });
    }
  });
  englishFaker.seed(phoneFormatSeed);
  negativeTemplates.forEach(([subkind, template], templateIndex) => {
    for (let index = 0; index < negativesPerTemplate; index += 1)
      items.push({
        id: `negative-${templateIndex}-${index}`,
        locale: null,
        kind: 'negative',
        subkind,
        text: template(englishFaker),
        phones: [],
      });
  });
  return items;
}

function digitBounds(text, start, end) {
  let first = start;
  while (first < end && !/\d/.test(text.charAt(first))) first += 1;
  let last = end;
  while (last > first && !/\d/.test(text.charAt(last - 1))) last -= 1;
  return { first, last };
}

/**
 * Scores `predict(text) -> [{ type, start, end }]` on the set: counts overall, per locale, per
 * template kind, per faker style and per negative subkind, and the errors.
 */
export function evaluatePhoneFormats(items, predict) {
  const groups = {
    overall: new Map(),
    locale: new Map(),
    kind: new Map(),
    style: new Map(),
    negative: new Map(),
  };
  const errors = [];
  const add = (group, key, field) => {
    const entry = groups[group].get(key) ?? { tp: 0, fp: 0, fn: 0 };
    entry[field] += 1;
    groups[group].set(key, entry);
  };
  for (const item of items) {
    const found = predict(item.text).filter((finding) => finding.type === 'PHONE');
    if (item.kind === 'negative' && !groups.kind.has('negative'))
      groups.kind.set('negative', { tp: 0, fp: 0, fn: 0 });
    for (const phone of item.phones) {
      const { first, last } = digitBounds(item.text, phone.start, phone.end);
      const hit = found.some((finding) => finding.start <= first && finding.end >= last);
      const field = hit ? 'tp' : 'fn';
      for (const [group, key] of [
        ['overall', 'PHONE'],
        ['locale', item.locale],
        ['kind', item.kind],
        ['style', item.style],
      ])
        add(group, key, field);
      if (!hit)
        errors.push({
          id: item.id,
          error: 'miss',
          value: phone.value,
          found: found.map((finding) => item.text.slice(finding.start, finding.end)),
          text: item.text,
        });
    }
    for (const finding of found) {
      if (item.phones.some((phone) => finding.start < phone.end && phone.start < finding.end)) continue;
      const groupsOfItem = [
        ['overall', 'PHONE'],
        ['kind', item.kind],
      ];
      if (item.kind !== 'negative') groupsOfItem.push(['locale', item.locale]);
      for (const [group, key] of groupsOfItem) add(group, key, 'fp');
      if (item.kind === 'negative') add('negative', item.subkind, 'fp');
      errors.push({
        id: item.id,
        error: 'false positive',
        value: item.text.slice(finding.start, finding.end),
        text: item.text,
      });
    }
    if (item.kind === 'negative' && !found.length) add('negative', item.subkind, 'tp');
  }
  return { groups, errors };
}

function rowsOf(map, header) {
  const lines = [
    `| ${header} | phones | found | missed | false positives | precision | recall |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [key, entry] of [...map].sort(([a], [b]) => a.localeCompare(b))) {
    const s = summarise(entry);
    lines.push(
      `| ${key} | ${s.tp + s.fn} | ${s.tp} | ${s.fn} | ${s.fp} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} |`,
    );
  }
  return lines.join('\n');
}

/** The markdown section of the phone-format set for EVALUATION.md. */
export function phoneFormatSection(predict) {
  const items = generatePhoneFormatSet();
  const { groups, errors } = evaluatePhoneFormats(items, predict);
  const positives = items.filter((item) => item.kind !== 'negative').length;
  const negatives = items.length - positives;
  const negativeLines = ['| near miss | sentences | clean | with a PHONE finding |', '|---|---:|---:|---:|'];
  for (const [key, entry] of [...groups.negative].sort(([a], [b]) => a.localeCompare(b)))
    negativeLines.push(`| ${key} | ${entry.tp + entry.fp} | ${entry.tp} | ${entry.fp} |`);
  const markdown = [
    `### Phone-format set (eval/phone-formats.mjs: @faker-js/faker ${fakerVersion}, seed ${phoneFormatSeed}, ${Object.keys(phoneLocales).length} locales, ${positives} phone sentences, ${negatives} near-miss negatives)`,
    `Span-level: a phone is found when one PHONE finding covers all its digits. Independent of the presidio set, but the phone rules were written while looking at this set's errors: in-sample (see Data and method).`,
    rowsOf(groups.overall, 'type'),
    `By template kind (\`context\`: English context words; \`local-label\`: the locale's own label such as \`Telefon:\`; \`bare\`: no context word; \`signature\`: signatures and contact blocks; \`negative\`: near misses, false positives only):`,
    rowsOf(groups.kind, 'kind'),
    'By faker style:',
    rowsOf(groups.style, 'style'),
    'By locale:',
    rowsOf(groups.locale, 'locale'),
    'Near-miss negatives:',
    negativeLines.join('\n'),
  ].join('\n\n');
  return { markdown, groups, errors };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const detectorModule =
    process.env.NEMOCLAW_EVAL_DETECTOR ?? new URL('../dist/index.js', import.meta.url).href;
  const { createDetector } = await import(detectorModule);
  const detector = createDetector();
  const { markdown, errors } = phoneFormatSection((text) => detector.scan(text));
  process.stdout.write(`${markdown}\n`);
  if (process.argv.includes('--errors'))
    for (const error of errors)
      process.stdout.write(
        `${error.id} ${error.error}: ${JSON.stringify(error.value)}${error.found ? ` found ${JSON.stringify(error.found)}` : ''} in ${JSON.stringify(error.text)}\n`,
      );
}
