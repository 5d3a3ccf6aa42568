import { Testing } from 'cdk8s';
import type { Json } from '../test/fixtures/json.js';
import { ScheduledWorkflowCrd } from './crd.js';
import { PRINTER_COLUMNS } from './printer-columns.js';

describe('PRINTER_COLUMNS', () => {
  it('names the columns an operator reads, in order', () => {
    expect(PRINTER_COLUMNS.map((c) => c.name)).toEqual([
      'Enabled',
      'Schedule',
      'Every (s)',
      'Status',
      'Last run',
      'Next run',
      'Age',
    ]);
  });

  it('reads fields the CRD schema types', () => {
    const chart = Testing.chart();
    new ScheduledWorkflowCrd(chart, 'Crd');
    const [crd] = Testing.synth(chart);
    const [version] = crd.spec.versions;
    expect(version.additionalPrinterColumns).toEqual(PRINTER_COLUMNS);
    const schema = version.schema.openAPIV3Schema;
    for (const { jsonPath } of PRINTER_COLUMNS.filter((c) => !c.jsonPath.startsWith('.metadata'))) {
      const typed = jsonPath
        .slice(1)
        .split('.')
        .reduce((node: Json, part) => {
          const field = part.replace(/\[0\]$/, '');
          const child = node?.properties?.[field];
          return part.endsWith('[0]') ? child?.items : child;
        }, schema);
      expect([jsonPath, typed?.type]).toEqual([jsonPath, expect.any(String)]);
    }
  });
});
