import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIGURES_DIR, FIGURES_FILE, figuresTable, type Figures } from './figures.js';

/** Starts the figures afresh; at the end writes them as JSON and as the Markdown table, and prints the table. */
export default function setup(): () => void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  rmSync(FIGURES_FILE, { force: true });
  const startedAt = Date.now();
  return () => {
    if (!existsSync(FIGURES_FILE)) return;
    const all = readFileSync(FIGURES_FILE, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Figures);
    const minutes = Number(((Date.now() - startedAt) / 60_000).toFixed(1));
    writeFileSync(
      join(FIGURES_DIR, 'figures.json'),
      `${JSON.stringify({ runMinutes: minutes, scenarios: all }, null, 2)}\n`,
    );
    const table = `${figuresTable(all)}\n\nSuite run time: ${minutes} min (${new Date().toISOString()}).\n`;
    writeFileSync(join(FIGURES_DIR, 'figures.md'), table);
    console.log(`\nFault suite figures (${join(FIGURES_DIR, 'figures.md')}):\n${table}`);
  };
}
