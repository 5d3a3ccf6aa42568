import { readFileSync } from 'node:fs';
import { settingsTable } from './settings.js';

describe('the README', () => {
  it('shows the settings table exactly as the code defines the settings', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(settingsTable());
  });
});
