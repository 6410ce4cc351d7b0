// Opening a session file from disk: the image it belongs to is found where it records it, else beside it, as the
// Cellpose GUI looks for it; a missing file is one clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSessionFile } from '../../src/engine/io/maskFiles';
import { sessionFromApp } from '../../src/engine/sessionFile/appSession';
import { encodeSegFile } from '../../src/engine/sessionFile/writeSegFile';
import { tempDir } from '../helpers/cli';
import { rejectsWithCode } from '../helpers/errors';
import { sharedPath } from '../helpers/shared';

const IMAGE = sharedPath('images', 'omnipose-docs', 'img02.png');

test('the image of a session file is the path it records, else the file of that name beside it, else none', async () => {
  const folder = tempDir('session');
  const official = join(folder, 'img02_seg.npy');
  copyFileSync(sharedPath('reference', 'seg', 'omni_img02_seg.npy'), official);
  // The official file records 'img02.png' alone.
  assert.equal((await readSessionFile(official)).imagePath, null);
  copyFileSync(IMAGE, join(folder, 'img02.png'));
  const { session, imagePath } = await readSessionFile(official);
  assert.equal(imagePath, join(folder, 'img02.png'));
  assert.equal(session.masks.width, 467);

  const moved = tempDir('moved');
  const elsewhere = join(moved, 'img02_seg.npy');
  const labels = new Uint16Array(4);
  writeFileSync(elsewhere, encodeSegFile(sessionFromApp({ labels, width: 2, height: 2, imagePath: IMAGE, channels: [0, 0], diameter: 30 })));
  assert.equal((await readSessionFile(elsewhere)).imagePath, IMAGE, 'an absolute path that exists');
  writeFileSync(elsewhere, encodeSegFile(sessionFromApp({ labels, width: 2, height: 2, imagePath: 'C:\\data\\img02.png', channels: [0, 0], diameter: 30 })));
  assert.equal((await readSessionFile(elsewhere)).imagePath, null, 'a Windows path from another computer, and no such image beside the file');
  copyFileSync(IMAGE, join(moved, 'img02.png'));
  assert.equal((await readSessionFile(elsewhere)).imagePath, join(moved, 'img02.png'), 'the image of that name beside the file');
});

test('a session file that is not there is one clear error', async () => {
  const error = await rejectsWithCode(readSessionFile(join(tempDir('none'), 'gone_seg.npy')), 'MASK_FILE');
  assert.match(error.message, /gone_seg\.npy: there is no such file/);
});
