#!/usr/bin/env node
// Runs the compiled CLI; `npm ci` builds it (the "prepare" script), `npm run build` rebuilds it.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/vigil.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('vigil: dist/ is missing; run `npm run build` (npm ci does it for you)\n');
  process.exit(1);
}
await import(entry.href);
