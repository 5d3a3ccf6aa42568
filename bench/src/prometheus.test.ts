import { sumSamples } from './prometheus.js';

const TEXT = `# HELP scheduled_workflow_kube_writes_total Writes to the Kubernetes API, by kind
# TYPE scheduled_workflow_kube_writes_total counter
scheduled_workflow_kube_writes_total{kind="update"} 120
scheduled_workflow_kube_writes_total{kind="event"} 60
scheduled_workflow_submissions_total{path="create_run",outcome="created"} 7
scheduled_workflow_throughput_total 245
scheduled_workflow_throughput_total_other 1
`;

describe('sumSamples', () => {
  it.each([
    ['scheduled_workflow_kube_writes_total', {}, 180],
    ['scheduled_workflow_kube_writes_total', { kind: 'update' }, 120],
    ['scheduled_workflow_kube_writes_total', { kind: 'create' }, 0],
    ['scheduled_workflow_submissions_total', { outcome: 'created' }, 7],
    ['scheduled_workflow_throughput_total', {}, 245],
    ['missing_total', {}, 0],
  ])('sums %s with labels %j', (name, labels, expected) => {
    expect(sumSamples(TEXT, name, labels)).toBe(expected);
  });

  it('skips comment lines', () => {
    expect(
      sumSamples('# scheduled_workflow_throughput_total 5\n', 'scheduled_workflow_throughput_total'),
    ).toBe(0);
  });
});
