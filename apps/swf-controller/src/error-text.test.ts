import { errorText } from './error-text.js';

describe('errorText', () => {
  it.each([
    ['a plain error', new Error('boom'), 'boom'],
    [
      'an error with a code its message lacks',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      'socket hang up (ECONNRESET)',
    ],
    [
      'an HTTP status',
      Object.assign(new Error('request failed'), { statusCode: 503 }),
      'request failed (503)',
    ],
    [
      'a gRPC error whose message starts with its code',
      Object.assign(new Error('14 UNAVAILABLE: down'), { code: 14 }),
      '14 UNAVAILABLE: down',
    ],
    ['a thrown string', 'plain text', 'plain text'],
  ])('describes %s', (_, error, expected) => {
    expect(errorText(error)).toBe(expected);
  });
});
