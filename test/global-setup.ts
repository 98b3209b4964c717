/**
 * `npm test` needs nothing run first: the bundle tests load dist/<function>/index.mjs and the stack
 * tests take code from dist/, so the suite builds them (esbuild, a few seconds) before it starts.
 * Always built, never reused, so a test never runs against a stale bundle.
 */
import { execFileSync } from 'node:child_process';

export default function buildBundles(): void {
  execFileSync(process.execPath, ['esbuild.config.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
