// The engine worker's handlers for opening images (by path or as uploaded bytes), showing and closing them, and the
// list of recent images. Node side (the engine worker; see [Note: engine worker] in ../engineService.ts).
import { basename, dirname, join, resolve } from 'node:path';
import { openImageStack } from '../../image/imageStack';
import { readImageFile } from '../../io/imageFiles';
import { handlerGroup } from './handlerGroup';
import { channelStatistics, displaySamples } from '../display';

export const imageHandlers = handlerGroup((workspace) => ({
  'image:open': async ({ path, page }, hooks) => {
    const { bytes, stack } = await readImageFile(path, { signal: hooks.signal });
    const opened = await workspace.hold(stack, bytes, page, { name: basename(path), path, exportFolder: dirname(resolve(path)) }, hooks.signal);
    // A list that cannot be written must not stop the image from opening (see [Note: recent files]).
    await workspace.recentFiles().record(resolve(path)).catch(() => undefined);
    return opened;
  },

  'image:upload': async ({ name, bytes }, hooks) => {
    const stack = await openImageStack(bytes, { signal: hooks.signal });
    const exportFolder = join(workspace.paths.dataDir, 'exports');
    return workspace.hold(stack, bytes, undefined, { name: basename(name.replaceAll('\\', '/')), path: null, exportFolder }, hooks.signal);
  },

  'image:close': ({ imageId }) => ({ closed: workspace.release(imageId) }),

  'image:pixels': ({ imageId }) => {
    const { raster } = workspace.held(imageId);
    return { imageId, width: raster.width, height: raster.height, channels: raster.channels, data: displaySamples(raster), ...channelStatistics(raster) };
  },

  'image:recent': () => workspace.recentFiles().list(),
}));
