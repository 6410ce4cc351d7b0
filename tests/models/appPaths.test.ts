// The per-user data folder: CELLDESK_HOME, else where Electron's app.getPath('userData') puts an app named CellDesk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { appDataDir, appPaths } from '../../src/engine/io/appPaths';

test('CELLDESK_HOME overrides the platform folder', () => {
  assert.equal(appDataDir({ env: { CELLDESK_HOME: 'lab/celldesk' }, platform: 'linux', home: '/home/ada' }), resolve('lab/celldesk'));
});

test('the platform folders match Electron userData for CellDesk', () => {
  assert.equal(
    appDataDir({ env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\ada' }),
    'C:\\Users\\ada\\AppData\\Roaming\\CellDesk',
  );
  assert.equal(appDataDir({ env: {}, platform: 'darwin', home: '/Users/ada' }), '/Users/ada/Library/Application Support/CellDesk');
  assert.equal(appDataDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home: '/home/ada' }), '/xdg/CellDesk');
  assert.equal(appDataDir({ env: { XDG_CONFIG_HOME: '' }, platform: 'linux', home: '/home/ada' }), '/home/ada/.config/CellDesk');
});

test('the data folder holds the model cache, the ONNX cache and the database', () => {
  assert.deepEqual(appPaths('/d/CellDesk'), {
    dataDir: '/d/CellDesk',
    modelsDir: '/d/CellDesk/models',
    onnxDir: '/d/CellDesk/models/onnx',
    databaseFile: '/d/CellDesk/celldesk.db',
  });
});
