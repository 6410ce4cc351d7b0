// The engine's host as its own process (issue 11): the entry the desktop app runs as an Electron utility process,
// run here under plain Node as a child process, through the same service, RPC and supervision (see [Note: engine
// host] in src/engine/service/engineService.ts). A host killed with SIGKILL during a segmentation publishes
// 'engine:stopped' and fails the call with ENGINE_CRASHED, and the next calls are served by a fresh host; closing
// ends the host by itself, or kills it once the grace period has passed; a worker-thread host that ends unexpectedly
// is replaced the same way; a benchmark whose worker process is killed reports it and its run is marked interrupted
// in the history.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { averagePrecision } from '../../src/engine/core/metrics';
import { BENCHMARK_WORKER_SOURCE, BenchmarkService } from '../../src/engine/service/benchmarkService';
import { ENGINE_HOST_SOURCE, EngineService } from '../../src/engine/service/engineService';
import { createHistoryService } from '../../src/engine/service/historyService';
import { childProcessHost, workerThreadHost, type EngineHost, type HostExit, type StartHost } from '../../src/engine/service/startHost';
import type { SegmentProgressEvent } from '../../src/shared/contract';
import { tempDir } from '../helpers/cli';
import { checkedCalls } from '../helpers/contract';
import { DEMO_CHECKPOINT, loadSharedRaster, referenceSummary } from '../helpers/demoModel';
import { rejectsWithCode } from '../helpers/errors';
import { sharedPath } from '../helpers/shared';

const REFERENCE = referenceSummary().find((entry) => entry.name === 'cp_075')!;
const IMAGE = sharedPath('images', REFERENCE.file);
const SETTINGS = { channels: REFERENCE.channels, diameter: 30, batchSize: 1 };

const services: EngineService[] = [];
after(() => Promise.all(services.map((service) => service.close())));

/** Hosts started by `start`, each one kept in `hosts` as it starts, so that a test can reach its process. */
function recorded(start: StartHost): { host: StartHost; hosts: EngineHost[] } {
  const hosts: EngineHost[] = [];
  const host: StartHost = (env) => {
    const started = start(env);
    hosts.push(started);
    return started;
  };
  return { host, hosts };
}

function serviceOn(start: StartHost, options: { stopGraceMs?: number } = {}) {
  const { host, hosts } = recorded(start);
  const service = new EngineService({ host, env: { ...process.env, CELLDESK_HOME: tempDir('engine-host-home') }, ...options });
  services.push(service);
  return { service, hosts, call: checkedCalls(service) };
}

/** Resolves with the first network progress event of `imageId`, that is, once the segmentation is under way. */
function networkUnderWay(service: EngineService, imageId: string): Promise<SegmentProgressEvent> {
  return new Promise((resolve) => {
    const stop = service.on('segment:progress', (event) => {
      if (event.stage === 'network' && event.imageId === imageId) {
        stop();
        resolve(event);
      }
    });
  });
}

const segment = (service: EngineService, imageId: string) =>
  service.call('segment:run', { imageId, model: DEMO_CHECKPOINT, provider: 'cpu', settings: SETTINGS, record: false });

test('a host killed with SIGKILL while segmenting fails the call with ENGINE_CRASHED, and a fresh host opens and segments the image again', async () => {
  const { service, hosts, call } = serviceOn(childProcessHost(ENGINE_HOST_SOURCE));
  const image = await call('image:open', { path: IMAGE });
  const killed = hosts[0]!;
  assert.ok(killed.pid !== undefined && killed.pid !== process.pid, 'the host is a process of its own');
  const published: unknown[] = [];
  service.on('engine:stopped', (event) => published.push(event));
  const underWay = networkUnderWay(service, image.imageId);
  const run = segment(service, image.imageId);
  await underWay;
  process.kill(killed.pid, 'SIGKILL');

  const error = await rejectsWithCode(run, 'ENGINE_CRASHED');
  assert.deepEqual(published, [{ reason: 'signal SIGKILL' }], "'engine:stopped' is published once");
  assert.equal(
    error.message,
    "CellDesk's engine stopped unexpectedly (signal SIGKILL) while segmenting; it starts again by itself, and your masks and edits are kept. Run the segmentation again. If this repeats, the image may be too large for this computer's memory.",
  );
  assert.deepEqual(error.details, { call: 'segment:run', reason: 'signal SIGKILL' });
  assert.deepEqual(await killed.exited, { code: null, signal: 'SIGKILL', detail: null } satisfies HostExit);

  // The images the old host held are gone with it: the view opens its image again (by path here) and segments.
  await rejectsWithCode(service.call('image:pixels', { imageId: image.imageId }), 'IMAGE_NOT_OPEN');
  assert.equal(hosts.length, 2, 'the next call started a fresh host');
  assert.notEqual(hosts[1]!.pid, killed.pid);
  const reopened = await call('image:open', { path: IMAGE });
  const result = await call('segment:run', { imageId: reopened.imageId, model: DEMO_CHECKPOINT, provider: 'cpu', settings: SETTINGS, record: false });
  assert.ok(result.labels instanceof Uint32Array, 'typed arrays cross the child process as typed arrays');
  const official = await loadSharedRaster('reference', `${REFERENCE.name}.d30.masks.tif`);
  const ap = averagePrecision(official.data as Uint32Array, result.labels, 0.5);
  assert.ok(ap.ap >= 0.98, `AP ${ap.ap} against official Cellpose (tp ${ap.tp}, fp ${ap.fp}, fn ${ap.fn})`);
  assert.equal(hosts.length, 2);
});

test('closing during a segmentation cancels it and the host ends by itself, before the grace period is over', async () => {
  const { service, hosts, call } = serviceOn(childProcessHost(ENGINE_HOST_SOURCE));
  const image = await call('image:open', { path: IMAGE });
  const underWay = networkUnderWay(service, image.imageId);
  const run = segment(service, image.imageId);
  await underWay;
  const stopped = rejectsWithCode(run, 'ENGINE_STOPPED');
  await service.close();
  const error = await stopped;
  assert.equal(error.message, "CellDesk's engine stopped (CellDesk is closing).");
  // Exit code 0 and no signal: the host released what it held and ended itself, rather than being killed.
  assert.deepEqual(await hosts[0]!.exited, { code: 0, signal: null, detail: null } satisfies HostExit);
});

test('a host that does not answer the request to stop is killed once the grace period is over', async () => {
  const { service, hosts, call } = serviceOn(childProcessHost(ENGINE_HOST_SOURCE), { stopGraceMs: 200 });
  await call('image:recent', undefined);
  // A stopped process reads no message: it stands for a host stuck in native code.
  process.kill(hosts[0]!.pid!, 'SIGSTOP');
  await service.close();
  assert.deepEqual(await hosts[0]!.exited, { code: null, signal: 'SIGKILL', detail: null } satisfies HostExit);
});

test('a worker-thread host that ends unexpectedly fails its call with ENGINE_CRASHED, the next call starts a fresh one, and closing ends it cleanly', async () => {
  const { service, hosts, call } = serviceOn(workerThreadHost(ENGINE_HOST_SOURCE));
  await call('image:recent', undefined);
  const opening = service.call('image:open', { path: IMAGE });
  hosts[0]!.kill();
  const error = await rejectsWithCode(opening, 'ENGINE_CRASHED');
  assert.deepEqual(error.details, { call: 'image:open', reason: 'exit code 1' });
  assert.match(error.message, /^CellDesk's engine stopped unexpectedly \(exit code 1\) while opening the image; .* Open it again\./);
  const image = await call('image:open', { path: IMAGE });
  assert.equal(image.width, 240);
  assert.equal(hosts.length, 2);
  // Closed, the thread ends by itself (exit code 0), as a process does.
  await service.close();
  assert.deepEqual(await hosts[1]!.exited, { code: 0, signal: null, detail: null } satisfies HostExit);
});

test('a benchmark whose worker process is killed mid-run fails with BENCHMARK_STOPPED and its run is marked interrupted', async () => {
  const env = { ...process.env, CELLDESK_HOME: tempDir('engine-host-bench') };
  const { host, hosts } = recorded(childProcessHost(BENCHMARK_WORKER_SOURCE));
  const benchmark = new BenchmarkService({ host, env });
  const measuring = new Promise<string>((resolve) => {
    const stop = benchmark.on('bench:event', (event) => {
      if (event.type === 'started') resolve(event.run.uuid);
      if (event.type === 'sample') {
        stop();
        process.kill(hosts[0]!.pid!, 'SIGKILL');
      }
    });
  });
  const run = benchmark.start({ model: DEMO_CHECKPOINT, imagePath: IMAGE, sizes: [224], iterations: 50, providers: ['cpu'] });
  const error = await rejectsWithCode(run, 'BENCHMARK_STOPPED');
  assert.equal(error.message, 'The benchmark stopped before it finished (signal SIGKILL). The samples measured so far are kept in the history.');
  assert.equal(benchmark.isRunning, false);
  const uuid = await measuring;
  const runs = (await createHistoryService(env)['history:list'](undefined)).benchmarkRuns;
  const interrupted = runs.find((r) => r.uuid === uuid);
  assert.equal(interrupted?.status, 'interrupted');
  assert.ok(interrupted.samples >= 1, `${interrupted.samples} samples kept`);
});
