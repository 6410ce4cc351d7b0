// The engine worker's handler for which execution providers start on this computer (see [Note: providers here] in
// src/engine/backend/onnxruntime.ts). Node side (the engine worker; see [Note: engine worker] in ../engineService.ts).
import { checkProvidersHere } from '../../backend/onnxruntime';
import { handlerGroup } from './handlerGroup';

export const providerHandlers = handlerGroup(() => ({
  'providers:check': () => checkProvidersHere(),
}));
