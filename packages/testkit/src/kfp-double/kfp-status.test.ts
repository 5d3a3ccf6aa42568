import { status } from '@grpc/grpc-js';
import { aggregateMessage, badRequest, KfpStatusError, unauthenticated } from './kfp-status.js';

describe('aggregateMessage', () => {
  // apimachinery's aggregate: no brackets for one distinct message, duplicates dropped, order kept.
  it.each([
    [[], null],
    [['a'], 'a'],
    [['a', 'a'], 'a'],
    [['a', 'b'], '[a, b]'],
    [['b', 'a', 'b'], '[b, a]'],
  ])('joins %j as %j', (messages, expected) => {
    expect(aggregateMessage(messages)).toBe(expected);
  });
});

describe('KfpStatusError', () => {
  it('prints the cause after the kind and external message, as errors.Wrapf does', () => {
    expect(unauthenticated('outer', 'cause').message).toBe('Unauthenticated: outer: cause');
    expect(badRequest('m')).toMatchObject({
      code: status.ABORTED,
      message: 'BadRequestError: m: m',
      external: 'm',
    });
  });

  it('puts each wrap in front and keeps the code and external message', () => {
    const wrapped = new KfpStatusError(status.NOT_FOUND, 'inner', 'ext').wrap('middle').wrap('outer');
    expect(wrapped).toMatchObject({
      code: status.NOT_FOUND,
      message: 'outer: middle: inner',
      external: 'ext',
    });
  });
});
