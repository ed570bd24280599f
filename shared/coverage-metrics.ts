import { Gauge } from 'prom-client';
import type { Db } from './db/client.js';
import { oneInFlight, type Metrics } from './metrics.js';
import { coverageByTier } from './repositories/revisit.repository.js';

/** Staleness and counts of the watched sources by revisit tier, from one query per scrape. */
export function registerCoverageGauges(metrics: Metrics, db: Db): void {
  const rows = oneInFlight(() => coverageByTier(db));
  new Gauge({
    name: 'vigil_source_staleness_seconds',
    help: 'Seconds since enabled sources were last read successfully, by revisit tier: median, 90th percentile and maximum (quantile 1)',
    labelNames: ['tier', 'quantile'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const r of await rows()) {
        this.set({ tier: r.tier, quantile: '0.5' }, r.p50);
        this.set({ tier: r.tier, quantile: '0.9' }, r.p90);
        this.set({ tier: r.tier, quantile: '1' }, r.max);
      }
    },
  });
  new Gauge({
    name: 'vigil_sources_by_tier',
    help: 'Enabled sources by revisit tier (hot: a flagged post lately; fixed: not on a budgeted host)',
    labelNames: ['tier'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const r of await rows()) this.set({ tier: r.tier }, r.sources);
    },
  });
  new Gauge({
    name: 'vigil_sources_overdue',
    help: 'Enabled sources not read successfully for over twice their planned interval, by tier: the budget is short or the host is refusing',
    labelNames: ['tier'] as const,
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const r of await rows()) this.set({ tier: r.tier }, r.overdue);
    },
  });
}
