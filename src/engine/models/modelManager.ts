// The model manager: turns "cyto3", an imported model's name or a file path into model files on disk, getting
// them when needed, and keeps the registry (SQLite) in step with the disk; Node side (CLI, Electron main).
// [Note: where a model comes from] A catalogue model is looked for in the user's Cellpose folder (used in place,
// see [Note: Cellpose model folder]), then in CellDesk's own cache, then downloaded into that cache (see
// [Note: trustworthy downloads]). A file found on disk is accepted only if it matches the published sha256 where
// one is published; where none is, the sha256 of CellDesk's first download is recorded and later copies in the
// cache must match it. Imported models are copied into the cache, as the Cellpose GUI copies added models into its
// folder, so that moving the original does not break them.
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { CellDeskError } from '../errors';
import { appPaths, appPathsFor, type AppPaths } from '../io/appPaths';
import { copyFileAtomically } from '../io/atomicWrite';
import { openDatabaseOrCopy, type Database } from '../storage/database';
import type { DatabaseFault } from '../storage/databaseFaults';
import {
  ModelRepository,
  type ModelFormat,
  type ModelRecord,
  type ModelSource,
} from '../storage/modelRepository';
import { CATALOGUE, findCatalogueEntry, type CatalogueEntry, type CatalogueFile, type SupportedModel } from './catalogue';
import { cellposeModelsDir, isFile, scanCellposeFolder, sizeModelBeside } from './discovery';
import { downloadFile, modelBaseUrl, modelFileUrl, type DownloadProgress } from './download';
import {
  ModelFileChangedError,
  ModelNameError,
  ModelNotRemovableError,
  UnknownModelError,
  UnsupportedModelError,
} from './errors';
import { fileStamp, isUnchanged, sha256OfFile, type FileStamp } from './fileStamp';
import { inspectModelFile, inspectSizeModelFile } from './inspect';

export interface ModelManagerOptions {
  /** Data folder (default: CELLDESK_HOME or the platform's, see [Note: data folder]). */
  dataDir?: string;
  /** Official models (default: CATALOGUE); tests give their own. */
  catalogue?: readonly CatalogueEntry[];
  /** Model server (default: CELLDESK_MODEL_URL, else https://www.cellpose.org/models/). */
  baseUrl?: string;
  /** The user's Cellpose model folder (default: CELLPOSE_LOCAL_MODELS_PATH, else ~/.cellpose/models). */
  cellposeModelsDir?: string;
  /** Environment read for the defaults above (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Connections tried per file when one drops in the middle (default 3). */
  downloadAttempts?: number;
  /** How long the server has to answer each request (see [Note: offline answers at once]). */
  answerTimeoutMs?: number;
}

export interface GetOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
}

/** Everything needed to run a model. */
export interface ResolvedModel {
  /** null when the model was given as a path and is not registered. */
  name: string | null;
  source: ModelSource | 'path';
  format: ModelFormat;
  path: string;
  sha256: string;
  diamMean: number | null;
  sizeModelPath: string | null;
  onnxPath: string | null;
}

export interface ModelListing {
  name: string;
  description: string;
  supported: boolean;
  unsupportedReason: string | null;
  /** The model's files on this computer; null when it is not here yet. */
  record: ModelRecord | null;
}

export interface SkippedModel {
  name: string;
  path: string;
  reason: string;
}

export interface DiscoveryReport {
  /** Models of the Cellpose folder now in the registry. */
  found: ModelRecord[];
  /** Files of the Cellpose folder that cannot be used, and why. */
  skipped: SkippedModel[];
}

interface LocalFile extends FileStamp {
  source: ModelSource;
  path: string;
  sha256: string;
}

const MODEL_EXTENSIONS = new Set(['.pth', '.pt', '.onnx']);
const UNSAFE_NAME = /[\\/:*?"<>|\p{Cc}]/u;

function toResolved(record: ModelRecord): ResolvedModel {
  const { name, source, format, path, sha256, diamMean, sizeModelPath, onnxPath } = record;
  return { name, source, format, path, sha256, diamMean, sizeModelPath, onnxPath };
}

export class ModelManager {
  readonly paths: AppPaths;
  readonly cellposeDir: string;
  readonly registry: ModelRepository;
  /**
   * Why the database file cannot be written, when it cannot: the registry then works on a copy in memory (see
   * [Note: database in memory]) and nothing is recorded in the history.
   */
  readonly databaseFault: DatabaseFault | null;
  private readonly db: Database;
  private readonly catalogue: readonly CatalogueEntry[];
  private readonly baseUrl: string;
  private readonly downloadAttempts: number | undefined;
  private readonly answerTimeoutMs: number | undefined;

  constructor(options: ModelManagerOptions = {}) {
    const env = options.env ?? process.env;
    this.paths = options.dataDir === undefined ? appPathsFor(env) : appPaths(options.dataDir);
    this.cellposeDir = options.cellposeModelsDir ?? cellposeModelsDir(env);
    this.catalogue = options.catalogue ?? CATALOGUE;
    this.baseUrl = modelBaseUrl(options.baseUrl, env);
    this.downloadAttempts = options.downloadAttempts;
    this.answerTimeoutMs = options.answerTimeoutMs;
    const { db, fault } = openDatabaseOrCopy(this.paths.databaseFile);
    this.db = db;
    this.databaseFault = fault;
    this.registry = new ModelRepository(db);
  }

  close(): void {
    this.db.close();
  }

  /**
   * A model ready to run: a catalogue name (fetched if needed), a registered name (imported, or from the Cellpose
   * folder), or the path of a model file (used as it is, with `<file>_size.npy` beside it as its size model).
   */
  async resolve(reference: string, options: GetOptions = {}): Promise<ResolvedModel> {
    if (findCatalogueEntry(this.catalogue, reference) !== undefined) {
      return toResolved(await this.download(reference, options));
    }
    let record = await this.usableRecord(reference);
    if (record === undefined) {
      await this.discover();
      record = await this.usableRecord(reference);
    }
    if (record !== undefined) return toResolved(record);
    const path = resolve(reference);
    if (!(await isFile(path))) throw new UnknownModelError(reference, this.knownNames(), true);
    const facts = await inspectModelFile(path);
    return {
      name: null,
      source: 'path',
      format: facts.format,
      path,
      sha256: facts.sha256,
      diamMean: facts.diamMean,
      sizeModelPath: await sizeModelBeside(path),
      onnxPath: null,
    };
  }

  /** Makes a catalogue model available on this computer (see [Note: where a model comes from]). */
  async download(name: string, options: GetOptions = {}): Promise<ModelRecord> {
    const entry = findCatalogueEntry(this.catalogue, name);
    if (entry === undefined) throw new UnknownModelError(name, this.catalogue.map((e) => e.name), false);
    if (!entry.supported) throw new UnsupportedModelError(name, entry.reason);
    const record = await this.catalogueModel(entry, options);
    if (record === null) throw new Error(`catalogue model ${name} missing after its download`);
    return record;
  }

  /**
   * Adds a model file under a name (default: its file name without extension), copying it into the cache. With
   * `numberIfTaken` (the app, which has no name field), a name already in use by another file becomes `name-2`,
   * `name-3`, ..., and the very file already imported under it is that model again.
   */
  async importModel(file: string, options: { name?: string; numberIfTaken?: boolean } = {}): Promise<ModelRecord> {
    const source = resolve(file);
    const extension = extname(source).toLowerCase();
    const wanted = options.name ?? basename(source, MODEL_EXTENSIONS.has(extension) ? extname(source) : '');
    const facts = await inspectModelFile(source);
    const sizeSource = await sizeModelBeside(source);
    if (sizeSource !== null) await inspectSizeModelFile(sizeSource, 'Nothing was imported.');
    let name = wanted;
    if (options.numberIfTaken === true) {
      for (let n = 2; this.registry.get(name) !== undefined; n++) {
        if (this.registry.get(name)!.sha256 === facts.sha256) return this.registry.get(name)!;
        name = `${wanted}-${n}`;
      }
    }
    this.checkNewName(name);
    const dir = join(this.paths.modelsDir, 'imported', name);
    const path = join(dir, basename(source));
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await copyFileAtomically(source, path);
    const sizeModelPath = sizeSource === null ? null : `${path}_size.npy`;
    if (sizeSource !== null && sizeModelPath !== null) await copyFileAtomically(sizeSource, sizeModelPath);
    return this.registry.save({
      name,
      source: 'imported',
      format: facts.format,
      path,
      ...(await fileStamp(path)),
      sha256: facts.sha256,
      diamMean: facts.diamMean,
      sizeModelPath,
      sizeModelSha256: sizeModelPath === null ? null : await sha256OfFile(sizeModelPath),
    });
  }

  /** Forgets a model and deletes CellDesk's copy of it; the Cellpose folder is never touched. */
  async remove(name: string): Promise<ModelRecord> {
    const record = this.registry.get(name);
    if (record === undefined) throw new UnknownModelError(name, this.knownNames(), false);
    if (record.source === 'cellpose-folder') throw new ModelNotRemovableError(name, record.path);
    this.registry.remove(name);
    const owned = [record.source === 'imported' ? dirname(record.path) : record.path, record.sizeModelPath];
    for (const path of owned) {
      if (path !== null && this.inCache(path)) await rm(path, { recursive: true, force: true });
    }
    return record;
  }

  /** Every catalogue model (here or not) and every registered model, after a look at the Cellpose folder. */
  async list(): Promise<{ models: ModelListing[]; skipped: SkippedModel[] }> {
    const { skipped } = await this.discover();
    const models: ModelListing[] = [];
    for (const entry of this.catalogue) {
      const record = this.registry.get(entry.name);
      models.push({
        name: entry.name,
        description: entry.description,
        supported: entry.supported,
        unsupportedReason: entry.supported ? null : entry.reason,
        record: record !== undefined && (await this.stillThere(record)) ? record : null,
      });
    }
    for (const record of this.registry.list()) {
      if (findCatalogueEntry(this.catalogue, record.name) !== undefined) continue;
      const description = record.source === 'imported' ? 'your model, imported' : 'your model, in the Cellpose folder';
      models.push({ name: record.name, description, supported: true, unsupportedReason: null, record });
    }
    return { models, skipped };
  }

  /** The official model of this name, if it is one. */
  catalogueEntry(name: string): CatalogueEntry | undefined {
    return findCatalogueEntry(this.catalogue, name);
  }

  /** Registers the usable models of the Cellpose folder and forgets those that left it; downloads nothing. */
  async discover(): Promise<DiscoveryReport> {
    const contents = await scanCellposeFolder(this.cellposeDir, this.catalogue);
    const found: ModelRecord[] = [];
    const skipped: SkippedModel[] = [];

    for (const builtin of contents.builtins) {
      const record = await this.catalogueModel(builtin.entry, null);
      if (record === null) {
        const reason = 'it differs from the published file, or its size model is missing or differs';
        skipped.push({ name: builtin.entry.name, path: builtin.path, reason });
      } else if (record.source === 'cellpose-folder') {
        found.push(record);
      }
    }

    for (const model of contents.userModels) {
      const known = this.registry.get(model.name);
      if (known !== undefined && known.source !== 'cellpose-folder') {
        skipped.push({ ...model, reason: `the name "${model.name}" is already used by an imported model` });
        continue;
      }
      if (known !== undefined && known.path === model.path && known.sizeModelPath === model.sizeModelPath &&
          (await isUnchanged(known.path, known))) {
        found.push(known);
        continue;
      }
      try {
        const facts = await inspectModelFile(model.path);
        if (model.sizeModelPath !== null) await inspectSizeModelFile(model.sizeModelPath, 'The model is not used until it is replaced or removed.');
        const sizeModelSha256 = model.sizeModelPath === null ? null : await sha256OfFile(model.sizeModelPath);
        found.push(this.registry.save({ ...facts, name: model.name, source: 'cellpose-folder', path: model.path,
          sizeModelPath: model.sizeModelPath, sizeModelSha256 }));
      } catch (error) {
        if (!(error instanceof CellDeskError)) throw error;
        skipped.push({ name: model.name, path: model.path, reason: error.message });
      }
    }
    for (const name of contents.missing) {
      skipped.push({ name, path: join(this.cellposeDir, name), reason: 'listed in gui_models.txt, but the file is not there' });
    }

    const inFolder = new Set(found.map((record) => record.name));
    for (const record of this.registry.list()) {
      if (record.source === 'cellpose-folder' && !inFolder.has(record.name)) this.registry.remove(record.name);
    }
    return { found, skipped };
  }

  /** The registered model `name` if its files are still as recorded. */
  private async usableRecord(name: string): Promise<ModelRecord | undefined> {
    const record = this.registry.get(name);
    if (record === undefined || (await this.stillThere(record))) return record;
    if (record.source === 'imported') {
      throw new ModelFileChangedError(name, record.path, 'that file was changed or deleted outside CellDesk');
    }
    return undefined;
  }

  private async stillThere(record: ModelRecord): Promise<boolean> {
    return (await isUnchanged(record.path, record)) && (record.sizeModelPath === null || (await isFile(record.sizeModelPath)));
  }

  /**
   * The catalogue model's record, assembling it from files on disk and, when `network` is given, from the server;
   * null when it is not on disk and `network` is null.
   */
  private async catalogueModel(entry: SupportedModel, network: GetOptions | null): Promise<ModelRecord | null> {
    const known = this.registry.get(entry.name);
    if (known !== undefined && (await this.stillThere(known))) return known;
    const pinned = known?.source === 'catalogue' ? known : undefined;
    const obtain = async (file: CatalogueFile, pinnedSha256: string | undefined): Promise<LocalFile | null> =>
      (await this.findOnDisk(file, pinnedSha256)) ?? (network === null ? null : await this.fetch(file, pinnedSha256, network));

    const checkpoint = await obtain(entry.checkpoint, pinned?.sha256);
    if (checkpoint === null) return null;
    const sizeModel = entry.sizeModel === null ? null : await obtain(entry.sizeModel, pinned?.sizeModelSha256 ?? undefined);
    if (entry.sizeModel !== null && sizeModel === null) return null;
    const { source, path, bytes, modifiedMs, sha256 } = checkpoint;
    return this.registry.save({
      name: entry.name,
      source,
      format: 'checkpoint',
      path,
      bytes,
      modifiedMs,
      sha256,
      // See [Note: built-in diam_mean].
      diamMean: entry.diamMean,
      sizeModelPath: sizeModel?.path ?? null,
      sizeModelSha256: sizeModel?.sha256 ?? null,
    });
  }

  /** A copy of a catalogue file in the Cellpose folder, then in the cache, that passes the check. */
  private async findOnDisk(file: CatalogueFile, pinnedSha256: string | undefined): Promise<LocalFile | null> {
    const places: [string, ModelSource, string | undefined][] = [
      [this.cellposeDir, 'cellpose-folder', file.sha256],
      [this.paths.modelsDir, 'catalogue', file.sha256 ?? pinnedSha256],
    ];
    for (const [dir, source, expectedSha256] of places) {
      const path = join(dir, file.file);
      if (!(await isFile(path))) continue;
      const stamp = await fileStamp(path);
      if (file.bytes !== undefined && stamp.bytes !== file.bytes) continue;
      const sha256 = await sha256OfFile(path);
      if (expectedSha256 === undefined || sha256 === expectedSha256) return { source, path, sha256, ...stamp };
    }
    return null;
  }

  private async fetch(file: CatalogueFile, pinnedSha256: string | undefined, options: GetOptions): Promise<LocalFile> {
    const result = await downloadFile({
      url: modelFileUrl(this.baseUrl, file.file),
      destination: join(this.paths.modelsDir, file.file),
      expectedSha256: file.sha256 ?? pinnedSha256,
      expectedBytes: file.bytes,
      attempts: this.downloadAttempts,
      answerTimeoutMs: this.answerTimeoutMs,
      ...options,
    });
    return { source: 'catalogue', path: result.path, sha256: result.sha256, ...(await fileStamp(result.path)) };
  }

  private checkNewName(name: string): void {
    if (name.trim() !== name || name === '' || name === '.' || name === '..' || UNSAFE_NAME.test(name)) {
      throw new ModelNameError(name, 'a name cannot be empty, contain / \\ : * ? " < > | or start or end with a space');
    }
    if (findCatalogueEntry(this.catalogue, name) !== undefined) {
      throw new ModelNameError(name, 'it is the name of an official Cellpose model; choose another with --name');
    }
    const existing = this.registry.get(name);
    if (existing !== undefined) {
      throw new ModelNameError(name, `a model with this name already exists (${existing.path}); remove it first or choose another name with --name`);
    }
  }

  private inCache(path: string): boolean {
    const inside = relative(this.paths.modelsDir, path);
    return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
  }

  private knownNames(): string[] {
    const names = new Set(this.catalogue.filter((entry) => entry.supported).map((entry) => entry.name));
    for (const record of this.registry.list()) names.add(record.name);
    return [...names];
  }
}
