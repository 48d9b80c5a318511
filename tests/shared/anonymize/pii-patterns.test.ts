import { describe, expect, it } from 'vitest';
import { findPii, isPhoneNumber, luhnValid, scrubPii } from '../../../shared/anonymize/pii-patterns.ts';

describe('scrubPii: positives', () => {
  it.each([
    // emails
    ['simple email', 'write to ann@example.com now', 'write to [EMAIL] now'],
    ['email with dots and plus', 'ann.lee+tag@mail.example.co.uk.', '[EMAIL].'],
    ['email with digits', 'x99@mail.io', '[EMAIL]'],
    // phones
    ['international phone', 'call +44 20 7946 0958 today', 'call [PHONE] today'],
    ['international phone, no spaces', '+4915112345678', '[PHONE]'],
    ['area code in parentheses', '(555) 123-4567', '[PHONE]'],
    ['dashes', '555-123-4567', '[PHONE]'],
    ['dots', '555.123.4567', '[PHONE]'],
    ['spaces', '555 123 4567', '[PHONE]'],
    ['seven digits', 'dial 555-1234!', 'dial [PHONE]!'],
    ['bare mobile number', 'text 07946095812', 'text [PHONE]'],
    ['French grouping', '06 12 34 56 78', '[PHONE]'],
    ['plus and parentheses', '+1 (555) 123-4567', '[PHONE]'],
    // URLs
    ['https URL', 'see https://example.com/a?b=c.', 'see [URL].'],
    ['http URL in parentheses', '(http://example.org/x)', '([URL])'],
    ['www URL', 'go to www.example.com today', 'go to [URL] today'],
    ['bare domain with a path', 'follow instagram.com/someone_else', 'follow [URL]'],
    ['bare domain with a path and trailing dot', 'see tiktok.com/@someone.', 'see [URL].'],
    // IPs
    ['IPv4', 'server 192.168.1.20 is down', 'server [IP] is down'],
    ['IPv6 full', 'at 2001:0db8:85a3:0000:0000:8a2e:0370:7334 now', 'at [IP] now'],
    ['IPv6 compressed', 'at 2001:db8::ff00:42:8329', 'at [IP]'],
    ['IPv6 loopback', 'ping ::1', 'ping [IP]'],
    // cards (Luhn-valid only)
    ['card with spaces', 'card 4111 1111 1111 1111 ok', 'card [CARD] ok'],
    ['card with dashes', '5500-0000-0000-0004', '[CARD]'],
    ['card without separators', '378282246310005', '[CARD]'],
    // handles
    ['handle', 'follow @someone_else!', 'follow [REDACTED]!'],
    ['handle with a dot', 'ask @some.one', 'ask [REDACTED]'],
  ])('%s', (_label, input, expected) => {
    expect(scrubPii(input)).toBe(expected);
  });
});

describe('scrubPii: negatives', () => {
  it.each([
    ['a year', 'back in 2023 we met'],
    ['small numbers', 'I have 3 cats and 42 fish'],
    ['an ISO date', 'on 2023-01-05 it rained'],
    ['a dotted date', 'on 05.01.2023 it rained'],
    ['a slashed date', 'on 05/01/2023 it rained'],
    ['a time', 'at 12:30 or 12:30:45'],
    ['a million with commas', 'won 1,000,000 gold'],
    ['a million with dots', 'won 10.000.000 gold'],
    ['a number with spaces as thousands', 'won 10 000 000 gold'],
    ['a list of years', '2019 2020 2021'],
    ['a list of small numbers', 'scores 10 20 30 40 50'],
    ['a short amount', 'costs 1234567 coins'],
    ['a decimal', 'pi is 3.14159265'],
    ['a version', 'version 1.2.3'],
    ['not an IPv4', '999.1.1.1 and 1.2.3.4.5'],
    ['not an IPv6', 'std::vector and cafe::babe'],
    ['a Luhn-invalid card', '4111 1111 1111 1112'],
    ['abbreviations', 'e.g. this, i.e. that, Mr.Smith'],
    ['and/or', 'you and/or me, 24/7, 1/2'],
    ['an email without a domain', 'me@home'],
    ['an at sign alone', 'meet @ 5'],
    ['an at sign before digits', 'meet @5'],
    ['placeholders', '[EMAIL] [PHONE] [URL] [IP] [CARD] [REDACTED] @{{user}}'],
  ])('%s', (_label, input) => {
    expect(scrubPii(input)).toBe(input);
  });
});

describe('scrubPii: handles of the user are left for the name pass', () => {
  it.each([
    ['kept', '@zoe_q hi', '@zoe_q hi'],
    ['others redacted', '@someone hi', '[REDACTED] hi'],
  ])('%s', (_label, input, expected) => {
    expect(scrubPii(input, (handle) => handle === 'zoe_q')).toBe(expected);
  });
});

describe('findPii', () => {
  it('reports each kind left in a text', () => {
    const kinds = findPii('a@b.io, 555-123-4567, https://x.io/a, 10.0.0.1, 4111111111111111, @someone');
    expect(kinds.sort()).toEqual(['card', 'email', 'handle', 'ip', 'phone', 'url']);
  });

  it('finds nothing in scrubbed text', () => {
    const scrubbed = scrubPii('a@b.io, 555-123-4567, https://x.io/a, 10.0.0.1, 4111111111111111, @someone');
    expect(findPii(scrubbed)).toEqual([]);
  });
});

describe('luhnValid and isPhoneNumber', () => {
  it.each([
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['79927398713', true],
    ['', false],
    ['12a4', false],
  ])('luhnValid(%s) is %s', (digits, expected) => {
    expect(luhnValid(digits)).toBe(expected);
  });

  it.each([
    ['555-123-4567', true],
    ['+44 20 7946 0958', true],
    ['2023-01-05', false],
    ['12345', false],
    ['1234567890123456', false],
    ['555/867/5309', true],
    ['030/12345678', true],
    ['12/05/2024', false],
    ['1920/1080', false],
    ['555–867–5309', true],
  ])('isPhoneNumber(%s) is %s', (candidate, expected) => {
    expect(isPhoneNumber(candidate)).toBe(expected);
  });
});
