/**
 * Saving and replaying account snapshots: the seam between collect and decide. A replay decides
 * at the snapshot's own capture time, so the same file always gives the same plan.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { SnapshotError } from './errors.ts';
import type { IdleEndpointsSnapshot } from './domain/idle-endpoints.ts';

async function saveSnapshot(path: string, snapshot: IdleEndpointsSnapshot): Promise<void> {
  await writeFile(path, `${JSON.stringify(snapshot, null, 2)}\n`, 'utf8');
}

async function loadIdleEndpointsSnapshot(path: string): Promise<IdleEndpointsSnapshot> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new SnapshotError(`Cannot read snapshot ${path}: ${(error as Error).message}`, { cause: error });
  }
  return checkIdleEndpointsSnapshot(parsed, path);
}

function checkIdleEndpointsSnapshot(value: unknown, origin: string): IdleEndpointsSnapshot {
  const snapshot = value as Partial<IdleEndpointsSnapshot> | null;
  const problem =
    typeof snapshot !== 'object' || snapshot === null
      ? 'is not a JSON object'
      : snapshot.kind !== 'idle-endpoints'
        ? `has kind ${JSON.stringify(snapshot.kind)}, expected "idle-endpoints"`
        : snapshot.version !== 1
          ? `has version ${JSON.stringify(snapshot.version)}, expected 1`
          : Number.isNaN(Date.parse(String(snapshot.capturedAt)))
            ? 'has no valid capturedAt'
            : !Array.isArray(snapshot.endpoints) || !Array.isArray(snapshot.regionFailures) || !Array.isArray(snapshot.regions)
              ? 'lacks the endpoints, regions or regionFailures list'
              : undefined;
  if (problem) throw new SnapshotError(`Snapshot ${origin} ${problem}`);
  return snapshot as IdleEndpointsSnapshot;
}

export { saveSnapshot, loadIdleEndpointsSnapshot, checkIdleEndpointsSnapshot };
