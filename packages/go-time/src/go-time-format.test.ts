import { formatGoTime, formatKubeTime, padInt } from './go-time-format.js';

/** 2021-03-04T05:06:07Z, a Thursday, day 63. */
const MORNING = 1614834367;
/** 2024-12-30T13:00:09Z, a Monday, day 365. */
const AFTERNOON = 1735563609;

/** Epochs of upstream formatter_test.go: scheduled 2017-07-06T05:04:03Z, created 2018-08-07T06:05:04Z. */
const UPSTREAM_SCHEDULED = Date.UTC(2017, 6, 6, 5, 4, 3) / 1000;
const UPSTREAM_CREATED = Date.UTC(2018, 7, 7, 6, 5, 4) / 1000;

describe('formatGoTime', () => {
  it.each([
    // formatter_test.go (TestCreateSubstitute, TestFormatString)
    ['20060102150405', UPSTREAM_SCHEDULED, '20170706050403'],
    ['20060102150405', UPSTREAM_CREATED, '20180807060504'],
    ['2006-01-02T15-04-05', UPSTREAM_CREATED, '2018-08-07T06-05-04'],
    ['2006-01-02T15-04-05', UPSTREAM_SCHEDULED, '2017-07-06T05-04-03'],
    ['2006', UPSTREAM_CREATED, '2018'],
    ['01', UPSTREAM_SCHEDULED, '07'],
    // parameter_formatter_test.go
    ['15-04-05', 25, '00-00-25'],
    ['2006-01-02', 1609459200, '2021-01-01'],
  ])('formats %j at %d as upstream: %j', (layout, epoch, expected) => {
    expect(formatGoTime(layout, epoch)).toBe(expected);
  });

  it.each([
    ['2006-01-02 15:04:05', MORNING, '2021-03-04 05:06:07'],
    ['Jan January Mon Monday MST', MORNING, 'Mar March Thu Thursday UTC'],
    ['-0700 -07:00 -07 -070000 -07:00:00', MORNING, '+0000 +00:00 +00 +000000 +00:00:00'],
    ['Z0700 Z07:00 Z07 Z070000 Z07:00:00', MORNING, 'Z Z Z Z Z'],
    ['15:04:05.000', MORNING, '05:06:07.000'],
    ['15:04:05,000000', MORNING, '05:06:07,000000'],
    ['15:04:05.999', MORNING, '05:06:07'],
    ['.0000000000000', MORNING, '.000000000'],
    ['3:4:5 PM pm', MORNING, '5:6:7 AM am'],
    ['03 _2 002 __2', MORNING, '05  4 063  63'],
    ['1/2/06', MORNING, '3/4/21'],
    ['Janet Month _2006', MORNING, 'Janet Month _2021'],
    ['.01', MORNING, '.03'],
    ['2006-01-02T15:04:05Z07:00', MORNING, '2021-03-04T05:06:07Z'],
    ['Kitchen 3:04PM', MORNING, 'Kitchen 5:06AM'],
    ['T x', MORNING, 'T x'],
    ['3:04PM __2 002 _2', AFTERNOON, '1:00PM 365 365 30'],
    ['2006 06', -62135596801, '0000 00'],
    ['2006-01-02', 253402300800, '10000-01-01'],
    ['', MORNING, ''],
  ])('formats %j at %d as Go does: %j', (layout, epoch, expected) => {
    expect(formatGoTime(layout, epoch)).toBe(expected);
  });
});

describe('formatKubeTime', () => {
  it.each([
    [0, '1970-01-01T00:00:00Z'],
    [36000, '1970-01-01T10:00:00Z'],
    [MORNING, '2021-03-04T05:06:07Z'],
  ])('writes epoch %d as metav1.Time does: %s', (epoch, expected) => {
    expect(formatKubeTime(epoch)).toBe(expected);
  });
});

describe('padInt', () => {
  it.each([
    [7, 2, '07'],
    [-7, 4, '-0007'],
    [12345, 4, '12345'],
    [0, 3, '000'],
  ])('pads %d to %d digits as %j', (value, width, expected) => {
    expect(padInt(value, width)).toBe(expected);
  });
});
