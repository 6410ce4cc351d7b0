// Test helper, run as a child process by tests/helpers/vulkan.ts (see [Note: WebGPU in CI]): one job on the real
// engine in a process started with a Vulkan environment, its answer printed as JSON on stdout.
//   {kind: 'session', model, provider}: opens a session; says on which provider and adapter, or the typed error.
//   {kind: 'network', model, input, output, n, height, width}: runs the network on WebGPU over the float32 file
//     `input` ([n, 2, height, width]) and writes flows then style to `output` as float32.
//   {kind: 'discover', model, providers, home}: the benchmark's provider probe (discoverProviders).
import { readFileSync, writeFileSync } from 'node:fs';
import { onnxRuntimeBackend } from '../../src/engine/backend/onnxruntime';
import type { ExecutionProvider, ExecutionProviderChoice } from '../../src/engine/backend/types';
import { discoverProviders } from '../../src/engine/bench/providers';
import { CellDeskError } from '../../src/engine/errors';
import { ModelManager } from '../../src/engine/models/modelManager';

type Job =
  | { kind: 'session'; model: string; provider: ExecutionProviderChoice }
  | { kind: 'network'; model: string; input: string; output: string; n: number; height: number; width: number }
  | { kind: 'discover'; model: string; providers: ExecutionProvider[]; home: string };

async function run(job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'session':
      try {
        const session = await onnxRuntimeBackend.createSession({ model: job.model, provider: job.provider });
        await session.release();
        return { executionProvider: session.executionProvider, adapter: session.adapter, fallbackReasons: session.fallbackReasons };
      } catch (error) {
        if (!(error instanceof CellDeskError)) throw error;
        return { error: { code: error.code, message: error.message, details: error.details } };
      }
    case 'network': {
      const session = await onnxRuntimeBackend.createSession({ model: job.model, provider: 'webgpu' });
      try {
        const bytes = readFileSync(job.input);
        const input = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
        const start = performance.now();
        const { flows, style } = await session.run(input, job.n, job.height, job.width);
        const ms = performance.now() - start;
        writeFileSync(job.output, Buffer.concat([Buffer.from(flows.buffer, flows.byteOffset, flows.byteLength), Buffer.from(style.buffer, style.byteOffset, style.byteLength)]));
        return { executionProvider: session.executionProvider, adapter: session.adapter, ms };
      } finally {
        await session.release();
      }
    }
    case 'discover': {
      const manager = new ModelManager({ env: { ...process.env, CELLDESK_HOME: job.home } });
      try {
        return await discoverProviders(manager, onnxRuntimeBackend, { model: job.model }, job.providers);
      } finally {
        manager.close();
      }
    }
  }
}

process.stdout.write(JSON.stringify(await run(JSON.parse(process.argv[2]!) as Job)));
