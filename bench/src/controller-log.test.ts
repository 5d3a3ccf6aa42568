import { readControllerLog } from './controller-log.js';

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);

describe('readControllerLog', () => {
  const text = [
    line({ level: 'info', time: '2025-01-01T00:00:00.100Z', msg: 'starting informers' }),
    'not json at all',
    line({ level: 'info', time: '2025-01-01T00:00:01.250Z', msg: 'caches synced', ms: 1150 }),
    line({ level: 'info', time: '2025-01-01T00:00:05.000Z', msg: 'run created', run: 'a-1-1' }),
    line({ level: 'warn', time: '2025-01-01T00:00:05.500Z', msg: 'transient failure' }),
    line({ level: 'info', time: '2025-01-01T00:00:06.000Z', msg: 'run created', run: 'a-2-2' }),
    line({ level: 'info', time: '2025-01-01T00:00:06.500Z', msg: 'workflow submitted', run: 'b-1-3' }),
    line({ level: 50, time: 1735689607000, msg: 'transient failure' }),
    '{"truncated": ',
  ].join('\n');

  it('finds the milestones and counts the runs made on either path', () => {
    expect(readControllerLog(text)).toEqual({
      cachesSyncedAt: Date.parse('2025-01-01T00:00:01.250Z'),
      informerSyncMs: 1150,
      firstRunCreatedAt: Date.parse('2025-01-01T00:00:05.000Z'),
      runsCreated: 3,
      problems: { 'transient failure': 2 },
    });
  });

  it('reports missing milestones as null', () => {
    expect(readControllerLog('')).toMatchObject({
      cachesSyncedAt: null,
      firstRunCreatedAt: null,
      runsCreated: 0,
    });
  });
});
