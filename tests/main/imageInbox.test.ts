// Images the operating system asks CellDesk to open wait for the window's page (src/main/imageInbox.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageInbox } from '../../src/main/imageInbox';

test('an image asked for before the page is ready opens once it is; later ones open at once', () => {
  const inbox = new ImageInbox();
  const opened: string[] = [];
  inbox.open('/data/first.tif');
  inbox.attach((path) => opened.push(path));
  inbox.open('/data/second.tif');
  assert.deepEqual(opened, ['/data/first.tif', '/data/second.tif']);
});

test('while the page reloads, images wait, and of several only the latest opens', () => {
  const inbox = new ImageInbox();
  const opened: string[] = [];
  inbox.attach((path) => opened.push(`old:${path}`));
  inbox.attach(null);
  inbox.open('/data/a.tif');
  inbox.open('/data/b.tif');
  assert.equal(opened.length, 0, 'nothing opens while no page is ready');
  inbox.attach((path) => opened.push(`new:${path}`));
  inbox.attach((path) => opened.push(`again:${path}`));
  assert.deepEqual(opened, ['new:/data/b.tif'], 'each image opens once');
});
