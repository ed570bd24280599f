import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type ImportPath = { ok: true; path: string } | { ok: false; message: string };

/** Source kinds that read a local file: through the API only from inside the import directory. */
export const FILE_KINDS: ReadonlySet<string> = new Set(['file', 'telegram-export']);

/**
 * Where a file source added through the API may read: a regular file inside `importDir` once every
 * symbolic link and `..` is resolved, so neither a traversal nor a link planted in the folder reaches
 * the rest of the disk. A relative path is taken from the import directory. The answer is the resolved
 * path, which is what the source stores. Without an import directory, file sources come from the
 * config file only.
 */
export async function resolveImportPath(importDir: string | undefined, path: string): Promise<ImportPath> {
  if (!importDir)
    return { ok: false, message: 'file sources come from the config file; set ingest.importDir to add them here' };
  const dir = resolve(importDir);
  const asked = resolve(dir, path);
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    return { ok: false, message: 'the import directory (ingest.importDir) does not exist' };
  }
  // Before touching the disk, so the answer does not tell which files exist elsewhere.
  if (!within(dir, asked) && !within(root, asked))
    return { ok: false, message: 'the path leads outside the import directory' };
  let real: string;
  try {
    real = await realpath(asked);
  } catch {
    return { ok: false, message: 'no such file in the import directory' };
  }
  if (!within(root, real))
    return { ok: false, message: 'the path leads outside the import directory (through a symbolic link)' };
  if (!(await stat(real)).isFile()) return { ok: false, message: 'the path is not a regular file' };
  return { ok: true, path: real };
}

/** Strictly inside: the folder itself is not a file in it. */
function within(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
