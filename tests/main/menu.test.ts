// The native menu's template, built without Electron: its items, the recent images, and where each click goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate, type MenuActions } from '../../src/main/menu';
import type { AppCommand, RecentFile } from '../../src/shared/contract';

const RECENT: RecentFile[] = [
  { path: '/data/plate1/well_a1.tif', name: 'well_a1.tif', openedAt: '2024-01-02T00:00:00.000Z' },
  { path: '/data/plate1/well_a2.tif', name: 'well_a2.tif', openedAt: '2024-01-01T00:00:00.000Z' },
];

/** A sink that records what each click asked for. */
function recordingActions() {
  const calls: (AppCommand | string)[] = [];
  const actions: MenuActions = {
    command: (command) => calls.push(command),
    about: () => calls.push('about'),
    openDataFolder: () => calls.push('data folder'),
    openDocumentation: () => calls.push('documentation'),
  };
  return { calls, actions };
}

function submenu(item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] {
  assert.ok(item !== undefined && Array.isArray(item.submenu), `${item?.label} has a submenu`);
  return item.submenu as MenuItemConstructorOptions[];
}

function find(items: MenuItemConstructorOptions[], path: string[]): MenuItemConstructorOptions {
  const [first, ...rest] = path;
  const item = items.find((i) => i.label === first);
  assert.ok(item !== undefined, `no menu item "${first}" among ${items.map((i) => i.label ?? i.role).join(', ')}`);
  return rest.length === 0 ? item : find(submenu(item), rest);
}

function click(item: MenuItemConstructorOptions): void {
  (item.click as () => void)();
}

test('has File, Edit, View and Help menus, with Quit under File and About under Help on Linux and Windows', () => {
  const { actions } = recordingActions();
  for (const platform of ['linux', 'win32'] as const) {
    const template = buildMenuTemplate(RECENT, actions, platform);
    assert.deepEqual(template.map((m) => m.label), ['File', 'Edit', 'View', 'Help']);
    assert.equal(find(template, ['File', 'Quit']).role, 'quit');
    assert.ok(find(template, ['Help', 'About CellDesk']));
  }
});

test('on macOS, About and Quit live in the CellDesk menu', () => {
  const template = buildMenuTemplate(RECENT, recordingActions().actions, 'darwin');
  assert.deepEqual(template.map((m) => m.label), ['CellDesk', 'File', 'Edit', 'View', 'Help']);
  assert.ok(find(template, ['CellDesk', 'About CellDesk']));
  assert.ok(submenu(template[0]).some((i) => i.role === 'quit'));
  assert.ok(!submenu(template[1]).some((i) => i.role === 'quit'));
});

test('Open Recent lists the recent images, most recent first, and opens the one clicked', () => {
  const { calls, actions } = recordingActions();
  const template = buildMenuTemplate(RECENT, actions, 'linux');
  const items = submenu(find(template, ['File', 'Open Recent']));
  assert.deepEqual(items.map((i) => i.label), ['/data/plate1/well_a1.tif', '/data/plate1/well_a2.tif']);
  click(items[1]!);
  assert.deepEqual(calls, [{ command: 'open-recent', path: '/data/plate1/well_a2.tif' }]);
});

test('with no recent images, Open Recent says so and offers nothing to click', () => {
  const items = submenu(find(buildMenuTemplate([], recordingActions().actions, 'linux'), ['File', 'Open Recent']));
  assert.deepEqual(items.map((i) => [i.label, i.enabled]), [['No recent images', false]]);
});

test('each File and View item sends its command to the window', () => {
  const { calls, actions } = recordingActions();
  const template = buildMenuTemplate(RECENT, actions, 'linux');
  const items: [string[], AppCommand][] = [
    [['File', 'Open…'], { command: 'open' }],
    [['File', 'Export…'], { command: 'export' }],
    [['View', 'Masks'], { command: 'toggle-masks' }],
    [['View', 'Outlines'], { command: 'toggle-outlines' }],
    [['View', 'Mask Numbers'], { command: 'toggle-numbers' }],
    [['View', 'Flows'], { command: 'toggle-flows' }],
    [['View', 'Cell Probability'], { command: 'toggle-cellprob' }],
    [['View', 'Fit to Window'], { command: 'fit' }],
    [['View', 'Actual Size (1:1)'], { command: 'actual-size' }],
  ];
  for (const [path] of items) click(find(template, path));
  assert.deepEqual(calls, items.map(([, command]) => command));
});

const VIEW_KEYS = [['Masks', 'X'], ['Outlines', 'Z'], ['Mask Numbers', 'N'], ['Flows', 'F'], ['Cell Probability', 'P']] as const;

/** Every item of a template, submenus included. */
function allItems(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? allItems(item.submenu as MenuItemConstructorOptions[]) : [])]);
}

/** An accelerator without a modifier key: it would be taken from text fields if registered. */
function isPlainKey(accelerator: MenuItemConstructorOptions['accelerator']): boolean {
  const parts = String(accelerator).split('+');
  const modifiers = /^(CmdOrCtrl|CommandOrControl|Cmd|Command|Ctrl|Control|Alt|Option|AltGr|Super|Meta)$/i;
  return !parts.some((part) => modifiers.test(part));
}

test("on Linux and Windows the view's letter keys are shown in the menu but left to the page", () => {
  for (const platform of ['linux', 'win32'] as const) {
    const template = buildMenuTemplate(RECENT, recordingActions().actions, platform);
    for (const [label, key] of VIEW_KEYS) {
      const item = find(template, ['View', label]);
      assert.deepEqual([item.accelerator, item.registerAccelerator], [key, false], `${platform} ${label}`);
    }
  }
});

test('on macOS, which registers every accelerator, the letter keys are named in tooltips instead', () => {
  const template = buildMenuTemplate(RECENT, recordingActions().actions, 'darwin');
  for (const [label, key] of VIEW_KEYS) {
    const item = find(template, ['View', label]);
    assert.equal(item.accelerator, undefined, label);
    assert.match(item.toolTip ?? '', new RegExp(`Key ${key}\\b`), label);
  }
});

test('no menu item on any platform registers a key without Ctrl or Cmd, so typing always reaches text fields', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    const items = allItems(buildMenuTemplate(RECENT, recordingActions().actions, platform));
    const plain = items.filter((item) => item.accelerator !== undefined && isPlainKey(item.accelerator));
    const registered = plain.filter((item) => platform === 'darwin' || item.registerAccelerator !== false);
    assert.deepEqual(registered.map((item) => item.label), [], platform);
    assert.ok(items.some((item) => item.accelerator === 'CmdOrCtrl+O'), `${platform}: shortcuts with a modifier stay registered`);
  }
  const edit = submenu(find(buildMenuTemplate(RECENT, recordingActions().actions, 'linux'), ['Edit']));
  assert.ok(!edit.some((i) => i.role === 'undo' || i.role === 'redo'), 'Ctrl+Z stays with the page (mask undo)');
});

test('Help opens the data folder and the Cellpose documentation from the main process', () => {
  const { calls, actions } = recordingActions();
  const template = buildMenuTemplate(RECENT, actions, 'linux');
  click(find(template, ['Help', 'About CellDesk']));
  click(find(template, ['Help', 'Open Data Folder']));
  click(find(template, ['Help', 'Cellpose Documentation']));
  assert.deepEqual(calls, ['about', 'data folder', 'documentation']);
});
