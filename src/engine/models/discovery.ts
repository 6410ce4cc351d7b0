// Finds the models already on disk in the user's Cellpose model folder, to use them where they are; Node side.
// [Note: Cellpose model folder] Official Cellpose keeps its models in CELLPOSE_LOCAL_MODELS_PATH, else
// ~/.cellpose/models: the built-in ones under their file names (see [Note: catalogue file names]) and the ones a
// user added in the Cellpose GUI as files listed one per line in `gui_models.txt`. A user model's size model sits
// beside it as `<file>_size.npy` (`models.size_model_path`). CellDesk reads that folder and never writes to it.
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { CatalogueEntry, SupportedModel } from './catalogue';

export function cellposeModelsDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const configured = env.CELLPOSE_LOCAL_MODELS_PATH;
  return configured !== undefined && configured !== '' ? configured : join(home, '.cellpose', 'models');
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The size model beside a model file, when there is one: `<file>_size.npy` as official Cellpose names it, else
 * `<name>_size.npy` with the file's extensions dropped (`cyto-v2.pth` -> `cyto-v2_size.npy`, `demo.zip.pth` ->
 * `demo_size.npy`), the name people give it when they copy the two files by hand.
 */
export async function sizeModelBeside(modelPath: string): Promise<string | null> {
  const folder = dirname(modelPath);
  const name = basename(modelPath);
  const withoutExtension = name.replace(/\.[^.]*$/, '');
  const stem = name.replace(/\..*$/, '');
  const candidates = [`${modelPath}_size.npy`, ...new Set([withoutExtension, stem].filter((n) => n !== '' && n !== name).map((n) => join(folder, `${n}_size.npy`)))];
  for (const candidate of candidates) if (await isFile(candidate)) return candidate;
  return null;
}

export interface BuiltinInFolder {
  entry: SupportedModel;
  path: string;
  /** The entry's size model file, when the folder has it. */
  sizeModelPath: string | null;
}

export interface UserModelInFolder {
  /** The line of gui_models.txt: both the model's name and its file name in the folder. */
  name: string;
  path: string;
  sizeModelPath: string | null;
}

export interface CellposeFolderContents {
  builtins: BuiltinInFolder[];
  userModels: UserModelInFolder[];
  /** gui_models.txt lines whose file is missing. */
  missing: string[];
}

/** What the Cellpose model folder `dir` holds; an absent folder holds nothing. */
export async function scanCellposeFolder(dir: string, catalogue: readonly CatalogueEntry[]): Promise<CellposeFolderContents> {
  const builtins: BuiltinInFolder[] = [];
  for (const entry of catalogue) {
    if (!entry.supported) continue;
    const path = join(dir, entry.checkpoint.file);
    if (!(await isFile(path))) continue;
    const sizePath = entry.sizeModel === null ? null : join(dir, entry.sizeModel.file);
    builtins.push({ entry, path, sizeModelPath: sizePath !== null && (await isFile(sizePath)) ? sizePath : null });
  }

  const userModels: UserModelInFolder[] = [];
  const missing: string[] = [];
  let listed: string[] = [];
  try {
    listed = (await readFile(join(dir, 'gui_models.txt'), 'utf8')).split(/\r?\n/).map((line) => line.trimEnd());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const builtinNames = new Set(catalogue.map((entry) => entry.name));
  for (const name of new Set(listed)) {
    if (name === '' || builtinNames.has(name)) continue;
    const path = join(dir, name);
    if (await isFile(path)) userModels.push({ name, path, sizeModelPath: await sizeModelBeside(path) });
    else missing.push(name);
  }
  return { builtins, userModels, missing };
}
