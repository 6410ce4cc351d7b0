// The engine worker's handlers for opening images (by path or as uploaded bytes), showing and closing them, and the
// list of recent images. Node side (the engine worker; see [Note: engine worker] in ../engineService.ts).
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeImage } from '../../image/decodeImage';
import { handlerGroup } from './handlerGroup';
import { channelStatistics, displaySamples } from '../display';
import { ImageFileError } from '../errors';

export const imageHandlers = handlerGroup((workspace) => ({
  'image:open': async ({ path, page }, hooks) => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ImageFileError(path, code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : `the system said ${code}`, error);
    }
    const raster = await decodeImage(bytes, page === undefined ? { signal: hooks.signal } : { page, signal: hooks.signal });
    // A list that cannot be written must not stop the image from opening (see [Note: recent files]).
    await workspace.recentFiles().record(resolve(path)).catch(() => undefined);
    return workspace.hold(raster, bytes, basename(path), path, dirname(path));
  },

  'image:upload': async ({ name, bytes }, hooks) => {
    const raster = await decodeImage(bytes, { signal: hooks.signal });
    return workspace.hold(raster, bytes, basename(name.replaceAll('\\', '/')), null, join(workspace.paths.dataDir, 'exports'));
  },

  'image:close': ({ imageId }) => ({ closed: workspace.release(imageId) }),

  'image:pixels': ({ imageId }) => {
    const { raster } = workspace.held(imageId);
    return { imageId, width: raster.width, height: raster.height, channels: raster.channels, data: displaySamples(raster), ...channelStatistics(raster) };
  },

  'image:recent': () => workspace.recentFiles().list(),
}));
