// The desktop app's native menu as a template: File, Edit, View, Help, built by a pure function from the recent
// images and the actions its items trigger, so tests check it without Electron. Main process (types only here).
//
// [Note: menu keys] The Segment view's single-letter keys (X masks, Z outlines, N mask numbers, F flows, P cell probability) are
// handled by the page, which knows when a text field has the focus. A menu accelerator that is a plain letter would
// be taken from every text field, so these items never register one. On Linux and Windows the menu still shows the
// key (registerAccelerator: false keeps it a label); macOS ignores that flag and would register the letter, so there
// the items carry no accelerator and name the key in their tooltip. Shortcuts with Ctrl or Cmd are registered.
// Ctrl+Z stays with the page too (mask undo), so the Edit menu has no Undo item. Only Electron shows whether a key
// reaches a text field; tests check the template that decides it.
import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand, RecentFile } from '../shared/contract';

export const CELLPOSE_DOCUMENTATION_URL = 'https://cellpose.readthedocs.io/en/latest/';

/** What the menu's items do: window commands go to the page; the rest runs in the main process. */
export interface MenuActions {
  command(command: AppCommand): void;
  about(): void;
  openDataFolder(): void;
  openDocumentation(): void;
}

function recentMenu(recent: readonly RecentFile[], actions: MenuActions): MenuItemConstructorOptions[] {
  if (recent.length === 0) return [{ label: 'No recent images', enabled: false }];
  return recent.map((file) => ({ label: file.path, click: () => actions.command({ command: 'open-recent', path: file.path }) }));
}

/** A View item whose key the page handles (see [Note: menu keys]). */
function pageKey(label: string, key: string, command: AppCommand, actions: MenuActions, platform: NodeJS.Platform): MenuItemConstructorOptions {
  const click = () => actions.command(command);
  if (platform === 'darwin') return { label, toolTip: `Key ${key} in the image view`, click };
  return { label, accelerator: key, registerAccelerator: false, click };
}

export function buildMenuTemplate(recent: readonly RecentFile[], actions: MenuActions, platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: 'About CellDesk', click: () => actions.about() };
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.command({ command: 'open' }) },
        { label: 'Open Recent', submenu: recentMenu(recent, actions) },
        { type: 'separator' },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => actions.command({ command: 'export' }) },
        ...(mac ? [] : [{ type: 'separator' } as const, { label: 'Quit', role: 'quit' } as const]),
      ],
    },
    { label: 'Edit', submenu: [{ role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    {
      label: 'View',
      submenu: [
        pageKey('Masks', 'X', { command: 'toggle-masks' }, actions, platform),
        pageKey('Outlines', 'Z', { command: 'toggle-outlines' }, actions, platform),
        pageKey('Mask Numbers', 'N', { command: 'toggle-numbers' }, actions, platform),
        pageKey('Flows', 'F', { command: 'toggle-flows' }, actions, platform),
        pageKey('Cell Probability', 'P', { command: 'toggle-cellprob' }, actions, platform),
        { type: 'separator' },
        { label: 'Fit to Window', accelerator: 'CmdOrCtrl+0', click: () => actions.command({ command: 'fit' }) },
        { label: 'Actual Size (1:1)', accelerator: 'CmdOrCtrl+1', click: () => actions.command({ command: 'actual-size' }) },
      ],
    },
    {
      label: 'Help',
      submenu: [
        ...(mac ? [] : [about, { type: 'separator' } as const]),
        { label: 'Open Data Folder', click: () => actions.openDataFolder() },
        { label: 'Cellpose Documentation', click: () => actions.openDocumentation() },
      ],
    },
  ];
  // macOS puts About and Quit in the menu named after the app.
  if (mac) template.unshift({ label: 'CellDesk', submenu: [about, { type: 'separator' }, { role: 'hide' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] });
  return template;
}
