// The layer rules of eslint.config.js ([Note: layers]) catch imports that cross a layer the wrong way, for every
// folder of src/ and for packaging/; the probes are linted in memory through ESLint's API, as `npm run lint` would lint such a file, so
// nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../helpers/shared';

const eslint = new ESLint({ cwd: REPO_ROOT });

/** The messages of the rules that guard imports, for a file at `path` holding `code`. */
async function importProblems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: join(REPO_ROOT, path) });
  return result!.messages.filter((m) => m.ruleId === 'celldesk/layers' || m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const refused: [file: string, code: string, reason: RegExp][] = [
  ['src/shared/probe.ts', "import { app } from 'electron';", /src\/shared may not import the package electron/],
  ['src/shared/probe.ts', "import { readFileSync } from 'node:fs';", /src\/shared may not import the package node:fs/],
  ['src/shared/probe.ts', "import { appDataDir } from '../engine/io/appPaths';", /src\/shared may not import src\/engine\/io\/appPaths/],
  ['src/cli/probe.ts', "import { registerIpc } from '../main/ipc';", /src\/cli may not import src\/main\/ipc/],
  ['src/cli/commands/probe.ts', "import '../../main/index';", /src\/cli may not import src\/main\/index/],
  ['src/engine/core/probe.ts', "import { readFileSync } from 'node:fs';", /src\/engine\/core may not import the package node:fs/],
  ['src/engine/core/probe.ts', "import { contract } from '../../shared/contract';", /src\/engine\/core may not import src\/shared\/contract/],
  ['src/engine/core/probe.ts', "import { decodeImage } from '../image/decodeImage';", /src\/engine\/core may not import src\/engine\/image\/decodeImage/],
  ['src/engine/errors.ts', "import type { PlanarImage } from './core/image';", /src\/engine\/errors\.ts may not import src\/engine\/core\/image/],
  ['src/engine/probe.ts', "import { app } from 'electron';", /src\/engine may not import the package electron/],
  ['src/engine/service/probe.ts', "import { createHandlers } from '../../host/router';", /src\/engine may not import src\/host\/router/],
  ['src/engine/io/probe.ts', "import * as ort from 'onnxruntime-node';", /Only src\/engine\/backend\/onnxruntime\.ts imports onnxruntime/],
  ['src/engine/image/probe.ts', "import { readFile } from 'node:fs/promises';", /Pure stages do no I\/O/],
  ['src/host/probe.ts', "import { BrowserWindow } from 'electron';", /src\/host may not import the package electron/],
  ['src/host/probe.ts', "import { runCli } from '../cli/main';", /src\/host may not import src\/cli\/main/],
  ['src/main/probe.ts', "import { runCli } from '../cli/main';", /src\/main may not import src\/cli\/main/],
  ['src/main/probe.ts', "const renderer = import('../renderer/src/App');", /src\/main may not import src\/renderer\/src\/App/],
  ['src/preload/probe.ts', "import { CellDeskError } from '../engine/errors';", /src\/preload may not import src\/engine\/errors/],
  ['src/preload/probe.ts', "import { readFileSync } from 'node:fs';", /src\/preload may not import the package node:fs/],
  ['src/renderer/src/probe.ts', "import { appDataDir } from '../../engine/io/appPaths';", /src\/renderer may not import src\/engine\/io\/appPaths/],
  ['src/renderer/src/probe.ts', "import { createHandlers } from '../../host/router';", /src\/renderer may not import src\/host\/router/],
  ['src/renderer/src/probe.ts', "import { readFileSync } from 'fs';", /src\/renderer may not import the package node:fs/],
  ['src/renderer/src/probe.ts', "export { ipcRenderer } from 'electron';", /src\/renderer may not import the package electron/],
  ['packaging/probe.ts', "import { createRoot } from 'react-dom/client';", /packaging may not import the package react-dom/],
  ['packaging/probe.ts', "import { App } from '../src/renderer/src/App';", /packaging may not import src\/renderer\/src\/App/],
];

test('an import across a layer the wrong way fails lint, in every folder of src/ and in packaging/', async () => {
  for (const [file, code, reason] of refused) {
    const problems = await importProblems(file, code);
    assert.ok(problems.some((message) => reason.test(message)), `${file}: ${code} -> ${JSON.stringify(problems)}`);
  }
});

const allowed: [file: string, code: string][] = [
  ['src/engine/core/probe.ts', "import { InvalidSettingError } from '../errors';\nimport type { PlanarImage } from './image';"],
  ['src/shared/probe.ts', "import { z } from 'zod';\nimport { CellDeskError } from '../engine/errors';\nimport { outlinePixels } from '../engine/core/outlines';"],
  ['src/engine/service/probe.ts', "import { readFile } from 'node:fs/promises';\nimport { contract } from '../../shared/contract';"],
  ['src/host/probe.ts', "import { createServer } from 'node:http';\nimport { EngineService } from '../engine/service/engineService';"],
  ['src/cli/commands/probe.ts', "import { createHandlers } from '../../host/router';\nimport { segmentAndRecord } from '../../engine/history/segmentAndRecord';"],
  ['src/main/probe.ts', "import { app } from 'electron';\nimport { z } from 'zod';\nimport { createHandlers } from '../host/router';\nimport engineHost from '../engine/service/engineHost?modulePath';"],
  ['src/preload/probe.ts', "import { contextBridge } from 'electron';\nimport { EVENT_CHANNEL } from '../shared/contract';"],
  ['packaging/probe.ts', "import { build } from 'electron-builder';\nimport { rebuild } from '@electron/rebuild';\nimport { APP_NAME } from '../src/engine/io/appPaths';\nimport { SQLITE_MODULE_FILE } from '../src/main/nativeModules';"],
  ['src/renderer/src/probe.ts', "import { useState } from 'react';\nimport { createRoot } from 'react-dom/client';\nimport '@mantine/core/styles.css';\nimport { contract } from '../../shared/contract';"],
];

test('imports along the layers pass, so the probes above fail for their import alone', async () => {
  for (const [file, code] of allowed) assert.deepEqual(await importProblems(file, code), [], `${file}: ${code}`);
});
