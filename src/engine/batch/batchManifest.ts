// The batch's record in its output folder (celldesk-batch.json): which images are done, with which image content and
// settings, into which files; what lets a batch be resumed without redoing them. Node side (the batch worker).
//
// [Note: batch manifest] An image of a batch is done, and skipped by a later run into the same folder (unless the
// user asks to redo everything), when the manifest has an entry for its name with the same image content (sha256 of
// the file), the same settings key (the model file's sha256, every segmentation setting with Cellpose's defaults
// filled in, how the planes of a stack are joined) and every format now asked for, each of whose files is on disk
// with the size it was written with. The entry is written only once all the image's files are (each written
// atomically: atomicWrite.ts), and the manifest itself is replaced atomically, so an entry never names a file that
// is not whole: a batch stopped anywhere (cancelled, crashed, the computer off) redoes at most the image it was on.
// A changed image, changed settings, a format added, a file deleted or replaced by one of another size: the image is
// done again. A manifest that cannot be read counts as empty (every image is done again, and the run says why); it is
// never a reason to stop. The execution provider is not in the key: CPU and GPU runs give the same masks.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../io/atomicWrite';
import type { StackMethod } from '../pipeline/segmentStack';
import { resolveSettings, type CellposeSettings } from '../pipeline/settings';
import { exportBaseName } from '../service/exportMasks';
import { batchFormat, type BatchOutput } from '../../shared/batchTypes';
import { draftSummary } from '../../shared/engineTypes';
import type { BatchJob } from './batchJobs';
import type { WrittenOutput } from './batchOutputs';

export const MANIFEST_NAME = 'celldesk-batch.json';

const manifestEntry = z.object({
  imagePath: z.string(),
  imageSha256: z.string(),
  settingsKey: z.string(),
  /** File names in the output folder, with their sizes. */
  outputs: z.array(z.object({ format: batchFormat, file: z.string(), bytes: z.int().nonnegative() })),
  masks: z.int().nonnegative(),
  diameter: z.number(),
  ms: z.number(),
  summary: draftSummary,
  historyRun: z.string().nullable(),
  finishedAt: z.string(),
});
export type ManifestEntry = z.output<typeof manifestEntry>;

const manifestFile = z.object({
  format: z.literal('celldesk-batch'),
  version: z.literal(1),
  /** By the image's name without its extension: what its output files are named after. */
  images: z.record(z.string(), manifestEntry),
});

/** What the settings key is made of: everything that changes an image's masks (see [Note: batch manifest]). */
export function settingsKey(modelSha256: string, settings: CellposeSettings, method: StackMethod): string {
  const resolved = resolveSettings(settings) as Record<string, unknown>;
  const sorted = Object.fromEntries(Object.keys(resolved).sort().map((key) => [key, resolved[key]]));
  return createHash('sha256').update(JSON.stringify({ model: modelSha256, settings: sorted, method })).digest('hex');
}

const entryKey = (job: BatchJob) => exportBaseName(job.name);

export class BatchManifest {
  private constructor(
    readonly folder: string,
    private readonly images: Record<string, ManifestEntry>,
  ) {}

  get path(): string {
    return join(this.folder, MANIFEST_NAME);
  }

  /** The manifest of `folder` (empty when there is none); `note` says why one that exists could not be used. */
  static async open(folder: string): Promise<{ manifest: BatchManifest; note: string | null }> {
    let text: string;
    try {
      text = await readFile(join(folder, MANIFEST_NAME), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { manifest: new BatchManifest(folder, {}), note: null };
      return { manifest: new BatchManifest(folder, {}), note: unusable(`it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown reason'})`) };
    }
    let parsed: z.ZodSafeParseResult<z.output<typeof manifestFile>>;
    try {
      parsed = manifestFile.safeParse(JSON.parse(text));
    } catch {
      return { manifest: new BatchManifest(folder, {}), note: unusable('it is not valid JSON') };
    }
    if (!parsed.success) return { manifest: new BatchManifest(folder, {}), note: unusable('it is not a record CellDesk wrote') };
    return { manifest: new BatchManifest(folder, parsed.data.images), note: null };
  }

  /**
   * The entry of a run that already did `job` with this image content and these settings, into files that are all
   * still there; null when the image is to be done (see [Note: batch manifest]).
   */
  async doneEarlier(job: BatchJob, imageSha256: string, key: string): Promise<ManifestEntry | null> {
    const entry = this.images[entryKey(job)];
    if (entry === undefined || entry.imageSha256 !== imageSha256 || entry.settingsKey !== key) return null;
    for (const { format } of job.outputs) {
      const output = entry.outputs.find((o) => o.format === format);
      if (output === undefined || !(await hasSize(join(this.folder, output.file), output.bytes))) return null;
    }
    return entry;
  }

  /**
   * Whether `output` is the file an earlier batch here wrote for this image (the same image file) and nobody has
   * changed since, by its size: the batch's own, which it replaces without asking (see [Note: batch replaces files]).
   */
  async wroteUnchanged(job: BatchJob, output: BatchOutput): Promise<boolean> {
    const entry = this.images[entryKey(job)];
    if (entry === undefined || entry.imagePath !== job.imagePath) return false;
    const recorded = entry.outputs.find((o) => o.format === output.format && o.file === basename(output.path));
    return recorded !== undefined && (await hasSize(output.path, recorded.bytes));
  }

  /** The outputs an entry records, as paths. */
  outputsOf(entry: ManifestEntry): BatchOutput[] {
    return entry.outputs.map(({ format, file }) => ({ format, path: join(this.folder, file) }));
  }

  /** Records the image done, its files written, and replaces the manifest on disk. */
  async record(job: BatchJob, done: Omit<ManifestEntry, 'outputs' | 'finishedAt'>, outputs: readonly WrittenOutput[]): Promise<void> {
    const files = outputs.map(({ format, path, bytes }) => ({ format, file: basename(path), bytes }));
    this.images[entryKey(job)] = { ...done, outputs: files, finishedAt: new Date().toISOString() };
    const document: z.input<typeof manifestFile> = { format: 'celldesk-batch', version: 1, images: this.images };
    await writeFileAtomically(this.path, `${JSON.stringify(document, null, 1)}\n`);
  }
}

function unusable(reason: string): string {
  return `The batch record ${MANIFEST_NAME} in the output folder is not usable (${reason}), so every image is segmented again; it is replaced as images are done.`;
}

async function hasSize(path: string, bytes: number): Promise<boolean> {
  try {
    const found = await stat(path);
    return found.isFile() && found.size === bytes;
  } catch {
    return false;
  }
}
