// The images a launch asks CellDesk to open: file paths (or file:// URLs, as Linux desktop entries pass them) on the
// command line of the first launch or of a second one. Pure, so tests check it without Electron.
//
// [Note: single instance] CellDesk runs once per data folder (one per user, or per CELLDESK_HOME): a second launch
// (double-clicking an image while CellDesk is open, `celldesk-desktop image.tif`) hands its images to the first and
// quits, and the first window comes to the front and opens them (src/main/index.ts). The second launch sends the absolute paths it found as the lock's
// `additionalData`, because the argv Electron relays to the first instance is not the one the second received (on
// Windows Chromium inserts its own switches); the relayed argv is the fallback for data that is missing or
// malformed. CellDesk shows one image at a time, so of several images the first is opened. macOS hands files to a
// running app through its 'open-file' event instead, which index.ts handles the same way.
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { IMAGE_EXTENSIONS } from '../shared/imageFileTypes';

// The installers' file associations read them here: packaging imports src/main, not src/shared.
export { IMAGE_FILE_TYPES } from '../shared/imageFileTypes';

/** What a second launch hands to the first (see [Note: single instance]). */
export const secondInstanceData = z.strictObject({ images: z.array(z.string().min(1).max(4096)).max(1000) });
export type SecondInstanceData = z.infer<typeof secondInstanceData>;

/** `argument` as an absolute file path, or null when it is a switch, a URL of another kind or not an image file. */
function imagePath(argument: string, workingDirectory: string, path: nodePath.PlatformPath): string | null {
  if (argument === '' || argument.startsWith('-')) return null;
  let file = argument;
  if (/^file:/i.test(argument)) {
    try {
      file = fileURLToPath(argument, { windows: path === nodePath.win32 });
    } catch {
      return null;
    }
  } else if (/^[a-z][a-z0-9+.-]+:\/\//i.test(argument)) {
    return null;
  }
  if (!IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase())) return null;
  return path.resolve(workingDirectory, file);
}

/**
 * The image files named in `argv` (a whole command line: the executable first, and under `electron .` the app's
 * folder, neither of which is an image), absolute, resolved against `workingDirectory`, in order, without repeats.
 * `path` is node:path's platform flavour (tests pass `win32`).
 */
export function imagesFromArgv(argv: readonly string[], workingDirectory: string, path: nodePath.PlatformPath = nodePath): string[] {
  const images = argv.slice(1).map((argument) => imagePath(argument, workingDirectory, path));
  return [...new Set(images.filter((image): image is string => image !== null))];
}

/** The images a second launch asked for: its own list when it sent a well-formed one, else its relayed argv. */
export function imagesFromSecondInstance(
  argv: readonly string[],
  workingDirectory: string,
  additionalData: unknown,
  path: nodePath.PlatformPath = nodePath,
): string[] {
  const sent = secondInstanceData.safeParse(additionalData);
  if (sent.success && sent.data.images.every((image) => path.isAbsolute(image))) return sent.data.images;
  return imagesFromArgv(argv, workingDirectory, path);
}
