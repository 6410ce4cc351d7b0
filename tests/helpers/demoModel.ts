// Test helper: the shared demo checkpoint opened on the CPU, converted once per test process into a temp cache.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnxRuntimeBackend } from '../../src/engine/backend/onnxruntime';
import { loadSizeModel } from '../../src/engine/checkpoint/sizeModel';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { rasterToPlanarFloat32 } from '../../src/engine/image/raster';
import { prepareNetwork } from '../../src/engine/io/networkFiles';
import type { SegmentationModel } from '../../src/engine/pipeline/segment';
import { readShared, sharedPath } from './shared';

export const DEMO_CHECKPOINT = sharedPath('models', 'celldesk-demo', 'celldesk-demo.zip.pth');
export const DEMO_SIZE_MODEL = sharedPath('models', 'celldesk-demo', 'celldesk-demo_size.npy');

export async function openDemoModel(): Promise<SegmentationModel & { release(): Promise<void> }> {
  const network = await prepareNetwork(DEMO_CHECKPOINT, mkdtempSync(join(tmpdir(), 'celldesk-demo-')));
  const session = await onnxRuntimeBackend.createSession({ model: network.onnxPath, provider: 'cpu' });
  const styleSession = await onnxRuntimeBackend.createSession({ model: network.styleOnnxPath, provider: 'cpu' });
  return {
    session,
    styleSession,
    architecture: network.architecture,
    sizeModel: loadSizeModel(new Uint8Array(readFileSync(DEMO_SIZE_MODEL))),
    async release() {
      await session.release();
      await styleSession.release();
    },
  };
}

/** An image or label file from ../shared, decoded. */
export async function loadSharedRaster(...parts: string[]) {
  return decodeImage(readShared(...parts));
}

export async function loadSharedImage(...parts: string[]) {
  return rasterToPlanarFloat32(await loadSharedRaster(...parts));
}

export interface ReferenceEntry {
  name: string;
  file: string;
  channels: [number, number];
  diam: number;
  diam_style: number;
  n_masks_auto: number;
  n_masks_d30: number;
}

export function referenceSummary(): ReferenceEntry[] {
  return JSON.parse(new TextDecoder().decode(readShared('reference', 'summary.json'))) as ReferenceEntry[];
}
