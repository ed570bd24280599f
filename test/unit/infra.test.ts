import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../shared/paths.js';
import { QUEUE_NAMES } from '../../shared/queues/queue.catalog.js';
import { WORKER_KINDS } from '../../cli/roles.js';

const read = (f: string) => readFileSync(join(packageRoot(), f), 'utf8');
const docs = (f: string) =>
  parseAllDocuments(read(f)).map(
    (d) =>
      d.toJSON() as {
        apiVersion?: string;
        kind?: string;
        metadata?: { name?: string };
        spec?: Record<string, unknown>;
      },
  );

describe('deployment files', () => {
  it('has a Kubernetes Deployment for the API and every worker kind, with a graceful stop', () => {
    const all = docs('infra/k8s/vigil.yaml');
    for (const d of all) expect(d.apiVersion && d.kind && d.metadata?.name).toBeTruthy();
    const deployments = all.filter((d) => d.kind === 'Deployment').map((d) => d.metadata!.name);
    expect(deployments.sort()).toEqual(['vigil-api', ...WORKER_KINDS.map((k) => `vigil-${k}`)].sort());
    const text = read('infra/k8s/vigil.yaml');
    for (const kind of WORKER_KINDS) expect(text).toContain(`args: ["worker", "${kind}"]`);
  });

  it('scales workers with KEDA on the BullMQ wait lists of real queues', () => {
    const scaled = docs('infra/k8s/keda.yaml').filter((d) => d.kind === 'ScaledObject');
    expect(scaled.length).toBeGreaterThanOrEqual(3);
    for (const s of scaled) {
      const list = (s.spec!.triggers as { metadata: { listName: string } }[])[0]!.metadata.listName;
      const [, queue] = /^\{vigil\}:(\w+):wait$/.exec(list) ?? [];
      expect(QUEUE_NAMES).toContain(queue);
    }
  });

  it('ships Prometheus rules and a Grafana dashboard that parse', () => {
    const rules = parseAllDocuments(read('infra/observability/prometheus-rules.yaml'))[0]!.toJSON() as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    expect(rules.groups[0]!.rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['VigilQueueBackingUp', 'VigilSourceUnhealthy', 'VigilAlertsUndelivered']),
    );
    const dashboard = JSON.parse(read('infra/observability/grafana-dashboard.json')) as { panels: unknown[] };
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(6);
  });
});
