// The engine worker's handlers for the user's preferences, kept in the data folder as a small JSON file (as the list
// of recent images is: see [Note: recent files]). A missing, unreadable or damaged file counts as the defaults: a
// preference is never worth refusing to work over. Node side (the engine worker; see [Note: engine worker]).
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../../io/atomicWrite';
import { preferences, type Preferences } from '../../../shared/contract';
import type { EngineWorkspace } from '../workspace';
import { handlerGroup } from './handlerGroup';

const FILE_NAME = 'preferences.json';

async function read(workspace: EngineWorkspace): Promise<Preferences> {
  try {
    const stored = preferences.safeParse(JSON.parse(await readFile(join(workspace.paths.dataDir, FILE_NAME), 'utf8')));
    if (stored.success) return stored.data;
  } catch {
    // No file yet, or not JSON: the defaults.
  }
  return preferences.parse({});
}

export const preferenceHandlers = handlerGroup((workspace) => ({
  'preferences:get': () => read(workspace),

  'preferences:set': async (change) => {
    const updated = { ...(await read(workspace)), ...change };
    await mkdir(workspace.paths.dataDir, { recursive: true });
    await writeFileAtomically(join(workspace.paths.dataDir, FILE_NAME), `${JSON.stringify(updated, null, 1)}\n`);
    return updated;
  },
}));
