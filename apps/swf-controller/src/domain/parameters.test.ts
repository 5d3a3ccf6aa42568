import { formatMacros, formatParameters, type MacroValues } from './parameters.js';

/** upstream NewSWFParameterFormatter("some-run-uuid", 25, 26, 27) */
const SWF: MacroValues = { runUuid: 'some-run-uuid', scheduledEpoch: 25, nowEpoch: 26, index: 27 };
/** upstream NewSWFParameterFormatter("uuid", 1609459200, 1609545600, 1) */
const SWF_2021: MacroValues = { runUuid: 'uuid', scheduledEpoch: 1609459200, nowEpoch: 1609545600, index: 1 };
/** upstream NewRunParameterFormatter: no scheduled time and no index. */
const RUN: MacroValues = { runUuid: 'run-abc-123', nowEpoch: 1609459200 };

describe('formatMacros', () => {
  it.each([
    // parameter_formatter_test.go: TestParameterFormatter_Format
    [SWF, 'FOO [[RunUUID]] FOO', 'FOO some-run-uuid FOO'],
    [SWF, 'FOO [[ScheduledTime]] FOO', 'FOO 19700101000025 FOO'],
    [SWF, 'FOO [[CurrentTime]] FOO', 'FOO 19700101000026 FOO'],
    [SWF, 'FOO [[Index]] FOO', 'FOO 27 FOO'],
    [SWF, 'FOO [[ScheduledTime.15-04-05]] FOO', 'FOO 00-00-25 FOO'],
    [SWF, 'FOO [[CurrentTime.15-04-05]] FOO', 'FOO 00-00-26 FOO'],
    [
      SWF,
      '[[ScheduledTime]] [[RunUUID]] [[ScheduledTime]] [[Index]]',
      '19700101000025 some-run-uuid 19700101000025 27',
    ],
    [SWF, 'FOO FOO FOO', 'FOO FOO FOO'],
    [SWF, '', ''],
    [SWF, "FOO {{$.scheduledTime.strftime('%Y-%m-%d %H:%M:%S')}} FOO", 'FOO 1970-01-01 00:00:25 FOO'],
    [SWF, "FOO {{$.currentTime.strftime('%Y-%m-%d %H:%M:%S')}} FOO", 'FOO 1970-01-01 00:00:26 FOO'],
    // TestNewRunParameterFormatter
    [RUN, 'prefix-[[RunUUID]]-suffix', 'prefix-run-abc-123-suffix'],
    [RUN, 'time-[[CurrentTime]]', 'time-20210101000000'],
    [RUN, 'sched-[[ScheduledTime]]', 'sched-[[ScheduledTime]]'],
    [RUN, 'idx-[[Index]]', 'idx-[[Index]]'],
    // TestFormat_CustomTimeFormat_ScheduledTime
    [SWF_2021, '[[ScheduledTime.2006-01-02]]', '2021-01-01'],
    [SWF_2021, '[[CurrentTime.2006-01-02]]', '2021-01-02'],
    // TestFormat_Strftime_UnixSeconds
    [SWF_2021, "{{$.scheduledTime.strftime('%s')}}", '1609459200'],
    [SWF_2021, "{{$.currentTime.strftime('%s')}}", '1609545600'],
    // TestFormat_UnknownExpression
    [SWF_2021, '[[UnknownExpression]]', '[[UnknownExpression]]'],
    // TestFormat_DisabledScheduledTime
    [
      { runUuid: 'uuid', nowEpoch: 1609459200 },
      '[[ScheduledTime.2006-01-02]]',
      '[[ScheduledTime.2006-01-02]]',
    ],
    [
      { runUuid: 'uuid', nowEpoch: 1609459200 },
      "{{$.scheduledTime.strftime('%Y')}}",
      "{{$.scheduledTime.strftime('%Y')}}",
    ],
  ])('expands as upstream (%o): %j -> %j', (values, text, expected) => {
    expect(formatMacros(text, values)).toBe(expected);
  });

  it.each([
    [SWF, "{{$.currentTime.strftime('%q')}}", "{{$.currentTime.strftime('%q')}}"],
    [SWF, "{{$.currentTime.strftime('100%')}}", "{{$.currentTime.strftime('100%')}}"],
    [SWF, "{{$.scheduledTime.strftime('%Y'}}", "1970'}}"],
    [SWF, '{{$.other}} [[Index]]', '{{$.other}} 27'],
    [SWF, '[[Ind\nex]] [[Index]]', '[[Ind\nex]] 27'],
    [SWF, '[[[[Index]]]]', '[[[[Index]]]]'],
    [SWF, '[[Index]][[Index]]]]', '2727]]'],
    [{ ...SWF, runUuid: '' }, '[[RunUUID]]', '[[RunUUID]]'],
    [{ ...SWF, runUuid: '$&' }, '[[RunUUID]] $1', '$& $1'],
  ])('expands the edge cases as upstream (%o): %j -> %j', (values, text, expected) => {
    expect(formatMacros(text, values)).toBe(expected);
  });
});

describe('formatParameters', () => {
  it('expands every value (upstream TestFormatWorkflowParameters)', () => {
    const values = { runUuid: 'my-run-uuid', scheduledEpoch: 1609459200, nowEpoch: 1609545600, index: 3 };
    expect(
      formatParameters(
        {
          run_id: '[[RunUUID]]',
          scheduled: '[[ScheduledTime]]',
          current: '[[CurrentTime]]',
          index: '[[Index]]',
          plain: 'no-substitution',
        },
        values,
      ),
    ).toEqual({
      run_id: 'my-run-uuid',
      scheduled: '20210101000000',
      current: '20210102000000',
      index: '3',
      plain: 'no-substitution',
    });
  });

  it('returns an empty map for no parameters (upstream TestFormatWorkflowParameters_EmptyMap)', () => {
    expect(formatParameters({}, { runUuid: 'uuid', nowEpoch: 1000 })).toEqual({});
  });
});
