// Where an export is written when its folder is typed by hand: an absolute folder as it is, a relative one inside the
// image's own export folder, never against the engine process's working directory (which a user cannot see and
// which differs between the desktop app, the CLI and the browser mode). Node side (the engine worker).
import * as nodePath from 'node:path';
import { ExportError } from './errors';

/**
 * The absolute folder to write an export into. `folder` is what the user gave; `base` is the image's default export
 * folder (the image's own folder, or the data folder's `exports` for an uploaded image). `path` is node:path's
 * platform flavour (tests pass `win32`).
 */
export function resolveExportFolder(folder: string, base: string, path: nodePath.PlatformPath = nodePath): string {
  const given = folder.trim();
  if (path.isAbsolute(given)) return path.normalize(given);
  if (!path.isAbsolute(base)) {
    throw new ExportError(`The export folder "${given}" is not a full path; choose the folder with the dialog or type its full path.`, { folder: given });
  }
  return path.resolve(base, given);
}
