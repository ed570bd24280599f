import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding Vigil's package.json, whether running from source or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the vigil package root');
    dir = parent;
  }
  return dir;
}

export const DEMO_EXPORT = () => join(packageRoot(), 'data', 'demo', 'result.json');
