// The engine worker's handlers: one per call the contract marks `answeredBy: 'engine'`, gathered from the files of
// handlers/ (one file per job), over one EngineWorkspace. A call without its handler, or a handler without its call,
// is a compile error. Node side (the engine worker; see [Note: engine worker] in engineService.ts).
import type { EngineHandlers } from './handlers/handlerGroup';
import { imageHandlers } from './handlers/images';
import { maskHandlers } from './handlers/masks';
import { modelHandlers } from './handlers/models';
import { preferenceHandlers } from './handlers/preferences';
import { providerHandlers } from './handlers/providers';
import { segmentationHandlers } from './handlers/segmentation';
import { sessionHandlers } from './handlers/sessions';
import { stackHandlers } from './handlers/stacks';
import type { EngineWorkspace } from './workspace';

export function createEngineHandlers(workspace: EngineWorkspace): EngineHandlers {
  return {
    ...imageHandlers(workspace),
    ...modelHandlers(workspace),
    ...segmentationHandlers(workspace),
    ...maskHandlers(workspace),
    ...preferenceHandlers(workspace),
    ...stackHandlers(workspace),
    ...sessionHandlers(workspace),
    ...providerHandlers(workspace),
  };
}
