// `npm run -s vulkan:swiftshader`: prints the shell lines that make this shell's WebGPU run on SwiftShader (a Vulkan
// driver on the CPU, shipped by the dev dependency @sparticuz/chromium; see [Note: WebGPU in CI]), for trying the
// WebGPU provider on a machine without a GPU: eval "$(npm run -s vulkan:swiftshader)". Linux; Node side.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSwiftShaderDriver } from './vulkan';

const dir = join(tmpdir(), 'celldesk-swiftshader');
mkdirSync(dir, { recursive: true });
const env = await writeSwiftShaderDriver(dir);
const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
for (const [name, value] of Object.entries(env)) {
  // The loader's folder goes first on the library path, ahead of whatever the shell already has there.
  process.stdout.write(name === 'LD_LIBRARY_PATH' ? `export LD_LIBRARY_PATH=${quote(value!)}"\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"\n` : `export ${name}=${quote(value!)}\n`);
}
