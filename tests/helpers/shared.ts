// Test helpers: paths into ../shared (read-only reference data beside the repo) and loaders for its files.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNpy, npyToFloat32 } from '../../src/engine/formats/npy';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of a file under ../shared. */
export function sharedPath(...parts: string[]): string {
  return join(repoRoot, '..', 'shared', ...parts);
}

export function readShared(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(sharedPath(...parts)));
}

/** A numeric .npy from ../shared, as float32 with its shape. */
export function loadSharedNpy(...parts: string[]): { shape: number[]; data: Float32Array } {
  const array = parseNpy(readShared(...parts));
  if (array.kind !== 'numeric') throw new Error(`${parts.join('/')} is an object array`);
  return { shape: array.shape, data: npyToFloat32(array) };
}

export const REPO_ROOT = repoRoot;
