import { describe, expect, it } from 'vitest';
import { createDetector } from '../create-detector.js';

const detector = createDetector();

/** The text of every PHONE finding in `text`. */
function phones(text: string): string[] {
  return detector
    .scan(text)
    .filter((finding) => finding.type === 'PHONE')
    .map((finding) => text.slice(finding.start, finding.end));
}

describe('phone shapes without context', () => {
  it('finds North American numbers in their usual formats even when the area code is not assigned', () => {
    // 834 and 777 are not assigned area codes: libphonenumber rejects them, the shape does not.
    expect(phones('Sheldon Block ((834) 447-4144) will join the meeting.')).toEqual(['(834) 447-4144']);
    expect(phones('I tried 766.939.3732 x9933 twice yesterday.')).toEqual(['766.939.3732 x9933']);
    expect(phones('Send it to 822-587-8889 as well.')).toEqual(['822-587-8889']);
    expect(phones('Is (903)751-0395 x80870 still yours?')).toEqual(['(903)751-0395 x80870']);
  });

  it('finds national formats with an area code in parentheses, a trunk 0, or three or more digit groups', () => {
    expect(phones('John Schmidt ((08) 8230 5299) will join from Rossfurt.')).toEqual(['(08) 8230 5299']);
    expect(phones('My number is 0171 215 8485.')).toEqual(['0171 215 8485']);
    expect(phones('I tried 0800 268 6905 twice.')).toEqual(['0800 268 6905']);
    expect(phones('Is 043 2342600 still the best way to get hold of you?')).toEqual(['043 2342600']);
    expect(phones('Send the confirmation to 34-923-61-26 as well.')).toEqual(['34-923-61-26']);
    expect(phones('Update the record: 91 563 68 07 from now on.')).toEqual(['91 563 68 07']);
    expect(phones('Send the confirmation to 8 (985) 162-14-21 as well.')).toEqual(['8 (985) 162-14-21']);
    expect(phones('Update the CRM record for 光子 桑原: new number 061-966-3226.')).toEqual(['061-966-3226']);
  });

  it('finds international numbers with the trunk 0 in parentheses', () => {
    expect(phones('Our London desk: +44 (0)20 7946 0958, Paris +33 (0)1 23 45 67 89.')).toEqual([
      '+44 (0)20 7946 0958',
      '+33 (0)1 23 45 67 89',
    ]);
    expect(phones('Please send the papers to +49(0)30 1234567 by Monday.')).toEqual(['+49(0)30 1234567']);
  });

  it('takes the area code in parentheses when no space follows it', () => {
    expect(phones('Phone: (795)442-4728 x570')).toEqual(['(795)442-4728 x570']);
    expect(phones('ring the hotline ((959)238-38-27).')).toEqual(['(959)238-38-27']);
  });
});

describe('phone labels', () => {
  it('counts an abbreviated label right before the number, although `Tel. ` looks like a sentence end', () => {
    expect(phones('Tel. 076 777 61 98')).toEqual(['076 777 61 98']);
    expect(phones('Tel. 4155550123')).toEqual(['4155550123']);
    expect(phones('--\nJane Roe\nT: 1234 56789\nW: www.example.com')).toEqual(['1234 56789']);
    expect(phones('Kind regards,\nMack Schuppe\nM 055 2595 0805')).toEqual(['055 2595 0805']);
    expect(phones('Tél. : 4155550123, fax: 4155550124, Tel.: 4155550125')).toEqual([
      '4155550123',
      '4155550124',
      '4155550125',
    ]);
  });

  it('counts the word for a phone in other languages', () => {
    expect(phones('Celular: 527197416')).toEqual(['527197416']);
    expect(phones('Puhelin: 0611557174')).toEqual(['0611557174']);
    expect(phones('電話番号: 0221-18-2226')).toEqual(['0221-18-2226']);
    expect(phones('Телефон: 9851621421')).toEqual(['9851621421']);
    expect(phones('My number is 0188675015.')).toEqual(['0188675015']);
  });

  it('does not take a lower-case letter or a letter inside a word for a label', () => {
    expect(phones('plan m 12345678 and item 12345678')).toEqual([]);
    expect(phones('IT 12345678')).toEqual([]);
    expect(phones('hotel 12345678 and Motel: 12345678')).toEqual([]);
  });

  it('finds a number that fills a `|`-delimited field of a contact line', () => {
    expect(phones('Jane Roe | Acme Ltd | 1234 567 89 | jane@example.com')).toEqual(['1234 567 89']);
  });
});

describe('numbers that are not phone numbers', () => {
  it('rejects dates, timestamps, versions, IP addresses, ISBNs and SSN-shaped numbers', () => {
    for (const text of [
      'The contract ends on 2027-03-15.',
      'Meeting moved to 15.03.2024.',
      'Meeting moved to 15 03 2024.',
      'Call me on 03/15/2024 about the renewal.',
      'Error logged at 2024-03-15 14:22:01 on node 3.',
      'Windows build 10.0.19045.3693 is affected.',
      'The server at 192.168.100.254 refused the connection.',
      'ISBN 978-3-16-148410-0',
      'The second edition (ISBN 0-306-40615-2) is out of print.',
      'SSN 123-45-6789 is on file.',
      'He lived there in 1998 2004 2010 and 2016.',
    ])
      expect(phones(text), text).toEqual([]);
  });

  it('rejects space-separated lists of numbers, and digit groups no North American number is written in', () => {
    for (const text of [
      'Open ports 80 9090 5432 on the host.',
      'The RGB value is 159 223 198.',
      'Scores this week: 78 45 75 19.',
      'Allocated 871 683 506 MB to the three workers.',
    ])
      expect(phones(text), text).toEqual([]);
    // The same digits as a North American number are one.
    expect(phones('Send it to 809-090-5432 today.')).toEqual(['809-090-5432']);
    // A space-separated number with a zero-led group or a mixed national grouping is one.
    expect(phones('I tried 59 82 49 03 and 904 94 08 40 twice.')).toEqual(['59 82 49 03', '904 94 08 40']);
  });

  it('rejects amounts in thousands next to a currency, however they are grouped', () => {
    expect(phones('Budget: 12 345 678 € for 2026.')).toEqual([]);
    expect(phones('Umsatz: EUR 12.345.678 im Jahr')).toEqual([]);
    expect(phones('Revenue grew to 1 234 567 kr last year.')).toEqual([]);
  });

  it('rejects phone-shaped order, serial and account numbers unless a phone word is there', () => {
    expect(phones('Order 0171 215 8485 shipped today.')).toEqual([]);
    expect(phones('Serial 2672-9162-1491 failed the check.')).toEqual([]);
    expect(phones('Serial 0083-6844-0810 failed the check.')).toEqual([]);
    expect(phones('Customer ID 91 563 68 07 was merged.')).toEqual([]);
    expect(phones('Questions about your order? Call 0171 215 8485.')).toEqual(['0171 215 8485']);
  });

  it('reports only the phone number in a sentence full of other numbers', () => {
    expect(
      phones(
        'Order 4512 7789 1234 of 2024-03-15 (ISBN 978-0-306-40615-7, v10.2.3) shipped to 10.0.0.12; call me at (834) 447-4144.',
      ),
    ).toEqual(['(834) 447-4144']);
  });
});
