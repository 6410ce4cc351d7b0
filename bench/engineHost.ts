// `npm run bench:host`: what running the engine in a process of its own costs against a worker thread, through the
// same service: the host's start (the first call answered) and `image:pixels` on a 2040 x 1536 RGB image (9.4 MB
// of pixels crossing back per call, structured-cloned on both transports; see [Note: engine host] in
// src/engine/service/engineService.ts). Medians of several calls. The desktop app's Electron utility process cannot
// run here; a Node child process is the nearest kind. A developer's tool (Node).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_HOST_SOURCE, EngineService } from '../src/engine/service/engineService';
import { childProcessHost, workerThreadHost, type StartHost } from '../src/engine/service/startHost';
import { median } from '../src/shared/bench/statistics';

const IMAGE = join(import.meta.dirname, '..', '..', 'shared', 'images', 'neurips22-cellseg', 'cell_00028.png');
const CALLS = 9;

async function measure(host: StartHost): Promise<{ startMs: number; pixelsMs: number; megabytes: number }> {
  const service = new EngineService({ host, env: { ...process.env, CELLDESK_HOME: mkdtempSync(join(tmpdir(), 'celldesk-bench-host-')) } });
  try {
    let start = performance.now();
    await service.call('image:recent', undefined);
    const startMs = performance.now() - start;
    const image = await service.call('image:open', { path: IMAGE });
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < CALLS; i++) {
      start = performance.now();
      const pixels = await service.call('image:pixels', { imageId: image.imageId });
      times.push(performance.now() - start);
      bytes = pixels.data.byteLength;
    }
    return { startMs, pixelsMs: median(times), megabytes: bytes / 1e6 };
  } finally {
    await service.close();
  }
}

const thread = await measure(workerThreadHost(ENGINE_HOST_SOURCE));
const child = await measure(childProcessHost(ENGINE_HOST_SOURCE));
const row = (name: string, m: typeof thread) => `${name.padEnd(14)} start ${m.startMs.toFixed(0).padStart(6)} ms   image:pixels (${m.megabytes.toFixed(1)} MB) ${m.pixelsMs.toFixed(1).padStart(7)} ms`;
console.log(`engine host, ${CALLS} calls each, medians (Node ${process.version})`);
console.log(row('worker thread', thread));
console.log(row('child process', child));
console.log(`child process / worker thread: start x${(child.startMs / thread.startMs).toFixed(2)}, image:pixels x${(child.pixelsMs / thread.pixelsMs).toFixed(2)} (+${(child.pixelsMs - thread.pixelsMs).toFixed(1)} ms per call)`);
