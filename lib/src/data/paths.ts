/**
 * Where the project's own data and caches live: `data/` and `.cache/` at the repository root, found by
 * walking up from the compiled lib until a folder holds `data/README.md` and `lib/package.json`.
 */
import * as fs from "fs";
import * as path from "path";

/** Environment variable that moves the cache folder (default: `.cache/` at the repository root). */
export const CACHE_ENV = "RNNLAB_CACHE_DIR";

let root: string | undefined;

/** The repository root (the folder that holds `data/` and `lib/`). */
export function repoRoot(): string {
  if (root !== undefined) return root;
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "data", "README.md")) && fs.existsSync(path.join(dir, "lib", "package.json"))) return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) {
      throw new Error(`rnnlab: cannot find the repository's data/ folder above ${__dirname}. Run from a checkout of rnnlab (data/README.md and lib/package.json must exist).`);
    }
    dir = up;
  }
}

/** A file in the repository's `data/` folder. */
export function dataPath(name: string): string {
  return path.join(repoRoot(), "data", name);
}

/** The cache folder (created on demand): `$RNNLAB_CACHE_DIR` or `<repo>/.cache`. */
export function cacheDir(): string {
  const dir = process.env[CACHE_ENV] || path.join(repoRoot(), ".cache");
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
