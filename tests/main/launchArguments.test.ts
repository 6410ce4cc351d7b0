// Which images a launch asks CellDesk to open ([Note: single instance] in src/main/launchArguments.ts): command
// lines of packaged and development launches on Linux, macOS and Windows, and what a second launch hands the first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posix, win32 } from 'node:path';
import { imagesFromArgv, imagesFromSecondInstance } from '../../src/main/launchArguments';

test('a packaged launch opens the image files named after the executable, resolved against the working directory', () => {
  const argv = ['/opt/CellDesk/celldesk-desktop', 'plate1/well A1.tif', '/data/nuclei.PNG', 'notes.txt', 'stack.tiff', 'photo.jpeg', 'cells.JPG'];
  assert.deepEqual(imagesFromArgv(argv, '/home/ana/experiments', posix), [
    '/home/ana/experiments/plate1/well A1.tif',
    '/data/nuclei.PNG',
    '/home/ana/experiments/stack.tiff',
    '/home/ana/experiments/photo.jpeg',
    '/home/ana/experiments/cells.JPG',
  ]);
});

test('switches, the app folder of a development launch and repeated names are not images to open', () => {
  const argv = ['/repo/node_modules/electron/dist/electron', '--no-sandbox', '.', '--inspect=9229', '-psn_0_1234', 'a.tif', './a.tif', '--flag=b.png'];
  assert.deepEqual(imagesFromArgv(argv, '/data', posix), ['/data/a.tif']);
  assert.deepEqual(imagesFromArgv(['/opt/CellDesk/celldesk-desktop'], '/data', posix), []);
  assert.deepEqual(imagesFromArgv(['/usr/bin/celldesk.png'], '/data', posix), [], 'the executable itself is never an image');
});

test('file:// URLs, as Linux desktop entries pass them (%U), open as paths; other URLs are ignored', () => {
  const argv = ['/opt/CellDesk/celldesk-desktop', 'file:///home/ana/My%20Images/cell%C3%A9.tif', 'https://example.org/cells.png', 'file://remote-host/x.tif'];
  assert.deepEqual(imagesFromArgv(argv, '/home/ana', posix), ['/home/ana/My Images/cellé.tif']);
});

test('Windows command lines: drive paths with spaces and non-ASCII letters, relative names and file URLs', () => {
  const argv = [
    'C:\\Users\\Zoë\\AppData\\Local\\Programs\\CellDesk\\CellDesk.exe',
    'D:\\Mikroskopie\\Zellkerne Übersicht.TIF',
    'plaque 2\\puits.png',
    'file:///C:/Users/Zo%C3%AB/image%201.jpg',
    '--allow-file-access-from-files',
  ];
  assert.deepEqual(imagesFromArgv(argv, 'C:\\Users\\Zoë\\Documents', win32), [
    'D:\\Mikroskopie\\Zellkerne Übersicht.TIF',
    'C:\\Users\\Zoë\\Documents\\plaque 2\\puits.png',
    'C:\\Users\\Zoë\\image 1.jpg',
  ]);
});

test('a second launch is taken at its word when it sent its own absolute paths', () => {
  // Electron relays an argv with switches of its own and may reorder it; the data the second launch sent is exact.
  const relayedArgv = ['C:\\Programs\\CellDesk\\CellDesk.exe', '--original-process-start-time=1', 'stale.tif'];
  const sent = { images: ['C:\\Users\\Zoë\\Bilder\\Zelle 1.tif'] };
  assert.deepEqual(imagesFromSecondInstance(relayedArgv, 'C:\\Users\\Zoë', sent, win32), ['C:\\Users\\Zoë\\Bilder\\Zelle 1.tif']);
  assert.deepEqual(imagesFromSecondInstance(['/opt/CellDesk/celldesk-desktop'], '/home/ana', { images: [] }, posix), []);
});

test('missing or malformed data from a second launch falls back to its relayed command line', () => {
  const argv = ['/opt/CellDesk/celldesk-desktop', 'well.tif'];
  for (const data of [undefined, null, 'well.tif', { images: 'well.tif' }, { images: [42] }, { images: ['relative/well.tif'] }, { images: [], extra: 1 }]) {
    assert.deepEqual(imagesFromSecondInstance(argv, '/home/ana', data, posix), ['/home/ana/well.tif'], JSON.stringify(data));
  }
});
