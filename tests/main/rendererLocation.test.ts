// The window's page address and the trusted-page check ([Note: app protocol] in src/main/rendererLocation.ts): which
// addresses map to which renderer files, on Windows paths too, and which pages may call the main process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posix, win32 } from 'node:path';
import { APP_PAGE, fileForAppUrl, isTrustedPage, rendererPage } from '../../src/main/rendererLocation';

const WINDOWS_RENDERER = 'C:\\Users\\Zoë Müller\\AppData\\Local\\Programs\\CellDesk Beta\\resources\\app.asar\\out\\renderer';
const LINUX_RENDERER = '/opt/CellDesk/resources/app.asar/out/renderer';

test('the built page is app://celldesk/index.html, served from the renderer folder', () => {
  assert.equal(APP_PAGE.href, 'app://celldesk/index.html');
  assert.equal(fileForAppUrl(APP_PAGE.href, LINUX_RENDERER, posix), `${LINUX_RENDERER}/index.html`);
  assert.equal(fileForAppUrl('app://celldesk/', LINUX_RENDERER, posix), `${LINUX_RENDERER}/index.html`);
});

test('app:// addresses map into a Windows install folder whose path has spaces and non-ASCII letters', () => {
  assert.equal(fileForAppUrl('app://celldesk/index.html', WINDOWS_RENDERER, win32), `${WINDOWS_RENDERER}\\index.html`);
  assert.equal(fileForAppUrl('app://celldesk/assets/index-CBghb6iX.js', WINDOWS_RENDERER, win32), `${WINDOWS_RENDERER}\\assets\\index-CBghb6iX.js`);
  // A file name with a space and a non-ASCII letter arrives percent-encoded and is decoded once.
  assert.equal(fileForAppUrl('app://celldesk/assets/font%20%C3%A9.woff2', WINDOWS_RENDERER, win32), `${WINDOWS_RENDERER}\\assets\\font é.woff2`);
});

test('no app:// address leads outside the renderer folder or to another host', () => {
  const escapes = [
    'app://celldesk/../main/index.js',
    'app://celldesk/assets/%2e%2e/%2e%2e/%2e%2e/secret.txt',
    'app://celldesk/assets/..%5c..%5c..%5cmain%5cindex.js',
    'app://celldesk/%5c%5cserver%5cshare%5cfile.txt',
    'app://celldesk/index.html%00.png',
    'app://celldesk/%E0%A4%A',
    'app://other/index.html',
    'app://celldesk.evil/index.html',
    'file:///C:/Windows/win.ini',
    'https://celldesk/index.html',
  ];
  for (const address of escapes) {
    const file = fileForAppUrl(address, WINDOWS_RENDERER, win32);
    assert.ok(file === null || file.startsWith(`${WINDOWS_RENDERER}\\`), `${address} -> ${file}`);
  }
  assert.equal(fileForAppUrl('app://celldesk/assets/..%5c..%5c..%5cmain%5cindex.js', WINDOWS_RENDERER, win32), null);
  assert.equal(fileForAppUrl('app://celldesk/index.html%00.png', LINUX_RENDERER, posix), null);
  assert.equal(fileForAppUrl('app://other/index.html', LINUX_RENDERER, posix), null);
  assert.equal(fileForAppUrl('app://celldesk/%E0%A4%A', LINUX_RENDERER, posix), null);
});

test("CellDesk's own app:// pages are trusted; file:// pages, other hosts and the web are not", () => {
  assert.ok(isTrustedPage('app://celldesk/index.html', APP_PAGE));
  assert.ok(isTrustedPage('app://celldesk/index.html?view=history#top', APP_PAGE));
  for (const address of [
    'file:///C:/Users/Zo%C3%AB%20M%C3%BCller/AppData/Local/Programs/CellDesk/resources/app.asar/out/renderer/index.html',
    'file:///opt/CellDesk/resources/app.asar/out/renderer/index.html',
    'app://celldesk.evil/index.html',
    'app://other/index.html',
    'https://celldesk/index.html',
    'http://localhost:5173/',
    'about:blank',
    'not a url',
    undefined,
  ]) {
    assert.equal(isTrustedPage(address, APP_PAGE), false, String(address));
  }
});

test("under electron-vite dev the dev server's origin is trusted, and only it", () => {
  const devServer = rendererPage('http://localhost:5173', true);
  assert.equal(devServer.href, 'http://localhost:5173/');
  assert.ok(isTrustedPage('http://localhost:5173/index.html', devServer));
  assert.equal(isTrustedPage('http://localhost:5174/', devServer), false);
  assert.equal(isTrustedPage('app://celldesk/index.html', devServer), false);
});

test('ELECTRON_RENDERER_URL is followed only by a dev build, and only to this computer', () => {
  assert.equal(rendererPage('http://localhost:5173', false), APP_PAGE, 'a built or packaged app ignores it');
  assert.equal(rendererPage(undefined, true), APP_PAGE);
  assert.equal(rendererPage('', true), APP_PAGE);
  assert.equal(rendererPage('https://attacker.example/', true), APP_PAGE);
  assert.equal(rendererPage('file:///tmp/page.html', true), APP_PAGE);
  assert.equal(rendererPage('http://127.0.0.1:5173', true).href, 'http://127.0.0.1:5173/');
  assert.equal(rendererPage('http://[::1]:5173', true).href, 'http://[::1]:5173/');
});
