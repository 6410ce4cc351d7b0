// The images of a batch and the files each one gets: folders expanded into the images directly in them, and each
// image's output files named as Cellpose names them (<name>_cp_masks.tif, ...) in the output folder. Node side (the
// CLI, the app's batch worker).
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { CellDeskError, InvalidSettingError } from '../errors';
import { EXPORT_FILE_SUFFIXES, exportBaseName } from '../service/exportMasks';
import type { BatchFormat, BatchOutput } from '../../shared/batchTypes';
import { IMAGE_EXTENSIONS } from '../../shared/imageFileTypes';

/** What each output's file name ends with, after the image's name without its extension. */
export const OUTPUT_SUFFIXES: Readonly<Record<BatchFormat, string>> = { ...EXPORT_FILE_SUFFIXES, 'seg-npy': '_seg.npy' };


/** One image of a batch and the files it gets. */
export interface BatchJob {
  imagePath: string;
  /** Its file name, as the history names it. */
  name: string;
  outputs: BatchOutput[];
}

/** Two images of a batch would write the same files. */
export class OutputNameClashError extends CellDeskError {
  constructor(first: string, second: string, file: string) {
    super(
      'BATCH_NAME_CLASH',
      `${first} and ${second} would both be saved as ${file}. Rename one of them, or segment them into different output folders.`,
      { first, second, file },
    );
  }
}

/** A file a batch (or Cellpose) wrote next to images, which is not an image to segment: label images and outlines. */
function isOutputFile(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.includes('_cp_masks') || Object.values(OUTPUT_SUFFIXES).some((suffix) => lower.endsWith(suffix));
}

/** The image files named, a folder standing for the image files directly in it (by name); each file once. */
export async function expandImagePaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = (await stat(path)).isDirectory();
    } catch {
      throw new InvalidSettingError(`There is no file or folder ${path}.`);
    }
    if (!isFolder) {
      files.push(path);
      continue;
    }
    const images = (await readdir(path, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase()) && !isOutputFile(entry.name))
      .map((entry) => join(path, entry.name))
      .sort();
    if (images.length === 0) throw new InvalidSettingError(`The folder ${path} holds no TIFF, PNG or JPEG images.`);
    files.push(...images);
  }
  return [...new Set(files)];
}

/** The path of an image's output of `format` in `folder`: the image's name without its extension, and Cellpose's suffix. */
export function outputPath(folder: string, imagePath: string, format: BatchFormat): string {
  return join(folder, `${exportBaseName(basename(imagePath))}${OUTPUT_SUFFIXES[format]}`);
}

/** Each image with its outputs of `formats` in `folder`; refused when two images would write the same file. */
export function planJobs(imagePaths: readonly string[], folder: string, formats: readonly BatchFormat[]): BatchJob[] {
  const byFile = new Map<string, string>();
  return imagePaths.map((imagePath) => {
    const outputs = formats.map((format) => ({ format, path: outputPath(folder, imagePath, format) }));
    const first = outputs[0];
    if (first !== undefined) {
      const earlier = byFile.get(first.path);
      if (earlier !== undefined) throw new OutputNameClashError(earlier, imagePath, basename(first.path));
      byFile.set(first.path, imagePath);
    }
    return { imagePath, name: basename(imagePath), outputs };
  });
}
