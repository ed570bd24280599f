import type { Config } from './config/config.js';
import { severityRank, type Severity } from './domain/verdict.js';

/** The alert channels a new review item of this severity goes to, by the configured rules. */
export function routeAlert(severity: Severity, rules: Config['alerts']['rules']): string[] {
  const channels = new Set<string>();
  for (const rule of rules) {
    if (severityRank(severity) >= severityRank(rule.minSeverity)) rule.channels.forEach((c) => channels.add(c));
  }
  return [...channels];
}
