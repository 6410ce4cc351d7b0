// Fuzz targets: every file format CellDesk reads, each with its reader, real files from ../shared to mutate (or,
// where ../shared has none, made from one), where its length fields lie, and what a correct result must satisfy.
// A new reader registers here: one entry in FUZZ_TARGETS.
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import { describeCpnet } from '../../src/engine/checkpoint/cpnet';
import { PickleDict, PickleTuple, unpickle, type AdmittedGlobal } from '../../src/engine/checkpoint/pickle';
import { loadSizeModel } from '../../src/engine/checkpoint/sizeModel';
import { loadStateDict } from '../../src/engine/checkpoint/torchCheckpoint';
import { parseNpy } from '../../src/engine/formats/npy';
import { exportJson, exportRuns, parseExport } from '../../src/engine/history/historyExport';
import { HistoryStore } from '../../src/engine/history/historyStore';
import { decodeImage } from '../../src/engine/image/decodeImage';
import { encodeLabelFile } from '../../src/engine/io/labelFiles';
import { roiSetLabels } from '../../src/engine/io/maskFiles';
import { convertCheckpoint, readOnnxArchitecture } from '../../src/engine/onnx/convertCheckpoint';
import { readSegFile } from '../../src/engine/sessionFile/readSegFile';
import { decodeMessage, encodeMessage } from '../../src/shared/wire';
import { tempDir } from '../helpers/cli';
import { sharedPath } from '../helpers/shared';
import { benchmarkRun, FINGERPRINT, segmentationRun } from '../history/fixtures';
import { deviceId } from '../../src/engine/bench/fingerprint';
import { importRuns } from '../../src/engine/history/historyExport';
import { join } from 'node:path';
import type { LengthField } from './mutate';

export interface FuzzSeed {
  /** Where the file comes from, for reports. */
  label: string;
  bytes: Uint8Array;
  fields: LengthField[];
}

export interface FuzzTarget {
  name: string;
  /** Cases to run in CI. */
  cases: number;
  seeds(): Promise<FuzzSeed[]> | FuzzSeed[];
  /** Reads the bytes as CellDesk does and checks what a correct result must satisfy (throws AssertionError if not). */
  read(bytes: Uint8Array): Promise<void> | void;
}

const shared = (...parts: string[]) => new Uint8Array(readFileSync(sharedPath(...parts)));

function fail(message: string): never {
  throw Object.assign(new Error(`incorrect result: ${message}`), { name: 'IncorrectResult' });
}

async function readImage(bytes: Uint8Array): Promise<void> {
  const image = await decodeImage(bytes);
  const expected = image.width * image.height * image.channels;
  if (!(image.width > 0 && image.height > 0 && image.channels > 0)) fail(`an image of ${image.width} x ${image.height} x ${image.channels}`);
  if (image.data.length !== expected) fail(`${image.data.length} samples for ${image.width} x ${image.height} x ${image.channels}`);
  if (image.page < 0 || image.page >= image.pageCount) fail(`page ${image.page} of ${image.pageCount}`);
}

// Length fields, found by walking each format's structure (little of it needs to be valid to be worth mutating).

function pngFields(bytes: Uint8Array): LengthField[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: LengthField[] = [{ offset: 16, bytes: 4, littleEndian: false }, { offset: 20, bytes: 4, littleEndian: false }];
  for (let at = 8; at + 8 <= bytes.length; at += 12 + view.getUint32(at)) fields.push({ offset: at, bytes: 4, littleEndian: false });
  return fields;
}

function tiffFields(bytes: Uint8Array): LengthField[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = bytes[0] === 0x49;
  const fields: LengthField[] = [{ offset: 4, bytes: 4, littleEndian }];
  let ifd = view.getUint32(4, littleEndian);
  for (let pages = 0; ifd !== 0 && ifd + 2 <= bytes.length && pages < 4; pages++) {
    const count = view.getUint16(ifd, littleEndian);
    fields.push({ offset: ifd, bytes: 2, littleEndian });
    for (let i = 0; i < count && ifd + 2 + 12 * (i + 1) <= bytes.length; i++) {
      const entry = ifd + 2 + 12 * i;
      fields.push({ offset: entry + 4, bytes: 4, littleEndian }, { offset: entry + 8, bytes: 4, littleEndian });
    }
    const next = ifd + 2 + 12 * count;
    if (next + 4 > bytes.length) break;
    fields.push({ offset: next, bytes: 4, littleEndian });
    ifd = view.getUint32(next, littleEndian);
  }
  return fields;
}

function jpegFields(bytes: Uint8Array): LengthField[] {
  const fields: LengthField[] = [];
  for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xff; ) {
    const marker = bytes[at + 1]!;
    fields.push({ offset: at + 2, bytes: 2, littleEndian: false });
    // Start of frame: height and width.
    if (marker === 0xc0 || marker === 0xc2) fields.push({ offset: at + 5, bytes: 2, littleEndian: false }, { offset: at + 7, bytes: 2, littleEndian: false });
    if (marker === 0xda) break;
    at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
  }
  return fields;
}

function zipFields(bytes: Uint8Array): LengthField[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  const le = (offset: number, size: 2 | 4): LengthField => ({ offset, bytes: size, littleEndian: true });
  const fields = [le(end + 8, 2), le(end + 10, 2), le(end + 12, 4), le(end + 16, 4)];
  for (let at = view.getUint32(end + 16, true); at + 46 <= end && view.getUint32(at, true) === 0x02014b50; ) {
    fields.push(le(at + 20, 4), le(at + 24, 4), le(at + 28, 2), le(at + 30, 2), le(at + 42, 4));
    const local = view.getUint32(at + 42, true);
    fields.push(le(local + 18, 4), le(local + 22, 4), le(local + 26, 2), le(local + 28, 2));
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return fields;
}

/** The element counts before each storage's bytes at the end of a legacy checkpoint (see readLegacyCheckpoint). */
function legacyFields(bytes: Uint8Array): LengthField[] {
  const asData = (module: string, name: string): AdmittedGlobal => ({ module, name, construct: (args) => new PickleTuple(args) });
  const storages = ['Half', 'Float', 'Double', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool'].map((type) => ({ module: 'torch', name: `${type}Storage`, construct: null }));
  const admitted = [{ module: 'collections', name: 'OrderedDict', construct: () => new PickleDict() }, asData('torch._utils', '_rebuild_tensor_v2'), asData('torch._utils', '_rebuild_parameter'), ...storages];
  const elementBytes: Record<string, number> = { Half: 2, Float: 4, Double: 8, Long: 8, Int: 4, Short: 2, Char: 1, Byte: 1, Bool: 1 };
  const plain = { fileKind: 'model file', admitted: [] };
  let at = unpickle(bytes, plain).end;
  at = unpickle(bytes, plain, at).end;
  at = unpickle(bytes, plain, at).end;
  const sizes = new Map<string, number>();
  at = unpickle(bytes, { fileKind: 'model file', admitted, persistentLoad: (pid) => {
    const [, type, key, , count] = (pid as PickleTuple).items;
    sizes.set(String(key), Number(count) * (elementBytes[String((type as { name?: string }).name).replace('Storage', '')] ?? 4));
    return pid;
  } }, at).end;
  const keys = unpickle(bytes, plain, at);
  const fields: LengthField[] = [];
  let pos = keys.end;
  for (const key of keys.value as string[]) {
    fields.push({ offset: pos, bytes: 8, littleEndian: true });
    pos += 8 + (sizes.get(key) ?? 0);
  }
  return fields;
}

/** The header length, and the digits of the shape in the header's text. */
function npyFields(bytes: Uint8Array): LengthField[] {
  const header = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + (bytes[8]! | (bytes[9]! << 8))));
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  const digits = shape === null ? [] : [...shape[1]!.matchAll(/\d/g)].map((digit) => 10 + shape.index + shape[0].indexOf('(') + 1 + digit.index);
  return [{ offset: 8, bytes: 2, littleEndian: true }, ...digits.map((offset) => ({ offset, bytes: 1 as const, littleEndian: true }))];
}

/**
 * A session file's .npy fields, and the lengths of the pickle's BINBYTES (0x42, 4-byte length) that hold its arrays'
 * data, found as those whose data CPython follows with a BINPUT (0x71).
 */
function segFields(bytes: Uint8Array): LengthField[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields = npyFields(bytes);
  for (let i = 0; i + 5 < bytes.length; i++) {
    if (bytes[i] !== 0x42) continue;
    const end = i + 5 + view.getUint32(i + 1, true);
    if (end + 1 < bytes.length && bytes[end] === 0x71 && end - i > 1000) {
      fields.push({ offset: i + 1, bytes: 4, littleEndian: true });
      i = end;
    }
  }
  return fields;
}

/** A stored ROI set's zip fields, and in each .roi its point count, box corner and second header's offset and name. */
function roiSetFields(bytes: Uint8Array): LengthField[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields = zipFields(bytes);
  const be = (offset: number, size: 2 | 4): LengthField => ({ offset, bytes: size, littleEndian: false });
  for (let at = view.getUint32(bytes.length - 22 + 16, true); view.getUint32(at, true) === 0x02014b50; ) {
    const local = view.getUint32(at + 42, true);
    const roi = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (view.getUint16(at + 10, true) === 0 && view.getUint32(roi) === 0x496f7574 /* Iout */) {
      const header2 = roi + view.getInt32(roi + 60);
      fields.push(be(roi + 8, 2), be(roi + 10, 2), be(roi + 16, 2), be(roi + 60, 4), be(header2 + 16, 4), be(header2 + 20, 4));
    }
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return fields;
}

function checkStateDict(bytes: Uint8Array): void {
  const tensors = loadStateDict(bytes);
  for (const [name, tensor] of tensors) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (tensor.data.length !== count) fail(`tensor ${name} has ${tensor.data.length} values for shape [${tensor.shape.join(', ')}]`);
  }
  describeCpnet(tensors);
}

function historyExportBytes(): Uint8Array {
  const file = join(tempDir('fuzz-history'), 'celldesk.db');
  return HistoryStore.use(file, (store) => {
    const device = { id: deviceId(FINGERPRINT.hardware), hardware: FINGERPRINT.hardware };
    importRuns(store, { format: 'celldesk-history', version: 1, exportedAt: '2025-01-01T00:00:00.000Z', appVersion: '0.1.0', devices: [device], benchmarkRuns: [benchmarkRun()], segmentationRuns: [segmentationRun()] });
    const doc = exportRuns(store, [{ kind: 'benchmark', uuid: benchmarkRun().uuid }, { kind: 'segmentation', uuid: segmentationRun().uuid }]);
    return new TextEncoder().encode(exportJson(doc));
  });
}

/** Numbers in JSON text as length fields of a sort: their first digit, rewritten by the mutator. */
function jsonFields(bytes: Uint8Array): LengthField[] {
  const fields: LengthField[] = [];
  const text = new TextDecoder().decode(bytes);
  for (const match of text.matchAll(/[:[,]\s*(-?\d)/g)) fields.push({ offset: match.index + match[0].length - 1, bytes: 1, littleEndian: true });
  return fields;
}

/** The image a ROI set is drawn on: as large as the official masks its seeds come from (512 x 512, 467 x 349). */
const ROI_IMAGE = { width: 512, height: 512 };

const demoZip = () => shared('models', 'celldesk-demo', 'celldesk-demo.zip.pth');

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'TIFF',
    cases: 800,
    seeds: () =>
      [
        ['images', 'neurips22-cellseg', 'cell_00528.tif'],
        ['images', 'neurips22-cellseg', 'cell_00528_label.tiff'],
        ['images', 'neurips22-cellseg', 'cell_00849_label.tiff'],
        ['images', 'stardist-dsb2018-tests', 'img2d.tif'],
      ].map((path) => {
        const bytes = shared(...path);
        return { label: path.join('/'), bytes, fields: tiffFields(bytes) };
      }),
    read: readImage,
  },
  {
    name: 'PNG',
    cases: 600,
    seeds: () =>
      [
        ['images', 'scellseg-contrast_data', 'neurocyte', '069_masks.png'],
        ['images', 'scellseg-contrast_data', 'style1', '126_masks.png'],
        ['images', 'neurips22-cellseg', 'cell_00849.png'],
      ].map((path) => {
        const bytes = shared(...path);
        return { label: path.join('/'), bytes, fields: pngFields(bytes) };
      }),
    read: readImage,
  },
  {
    name: 'JPEG',
    cases: 500,
    // ../shared holds no JPEG: one is encoded from a real image there, as microscopes' software writes them.
    seeds: async () => {
      const source = await decodeImage(shared('images', 'webgpu-cellseg', 'cellpose_img_075.png'));
      // The top-left 160 x 128 pixels: a JPEG large enough for several blocks of each kind, quick to decode.
      const [width, height] = [160, 128];
      const rgba = new Uint8Array(width * height * 4);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = y * width + x;
          for (let c = 0; c < 3; c++) rgba[4 * i + c] = Number(source.data[(source.channels === 1 ? 0 : c) * source.width * source.height + y * source.width + x]);
          rgba[4 * i + 3] = 255;
        }
      }
      const bytes = new Uint8Array(jpeg.encode({ width, height, data: rgba }, 85).data);
      return [{ label: 'cellpose_img_075.png (160 x 128 of it) as JPEG', bytes, fields: jpegFields(bytes) }];
    },
    read: readImage,
  },
  {
    name: '.pth (zip)',
    cases: 60,
    seeds: () => {
      const bytes = demoZip();
      return [{ label: 'celldesk-demo.zip.pth', bytes, fields: zipFields(bytes) }];
    },
    read: checkStateDict,
  },
  {
    name: '.pth (legacy)',
    cases: 60,
    seeds: () => {
      const bytes = shared('models', 'celldesk-demo', 'celldesk-demo.legacy.pth');
      return [{ label: 'celldesk-demo.legacy.pth', bytes, fields: legacyFields(bytes) }];
    },
    read: checkStateDict,
  },
  {
    name: '.npy (arrays)',
    cases: 400,
    seeds: () =>
      ['cp_075.d30.style.npy', 'net.odd_160x208.style.npy'].map((file) => {
        const bytes = shared('reference', file);
        return { label: `reference/${file}`, bytes, fields: npyFields(bytes) };
      }),
    read: (bytes) => {
      const array = parseNpy(bytes);
      const count = array.shape.reduce((a, b) => a * b, 1);
      if (array.kind === 'numeric' && array.data.length !== count) fail(`${array.data.length} values for shape [${array.shape.join(', ')}]`);
    },
  },
  {
    name: '.npy (size models)',
    cases: 400,
    seeds: () =>
      [
        ['celldesk-demo', 'celldesk-demo_size.npy'],
        ['cellpose_web-v0-mxnet', 'size_cyto_0.npy'],
        ['scellseg', 'size_compute.npy'],
      ].map((path) => {
        const bytes = shared('models', ...path);
        return { label: path.join('/'), bytes, fields: npyFields(bytes) };
      }),
    read: (bytes) => {
      const model = loadSizeModel(bytes);
      if (model.A.length !== 256 || model.smean.length !== 256 || !(model.diamMean > 0)) fail('a size model without its 256 weights or diameter');
    },
  },
  {
    name: '_seg.npy (sessions)',
    cases: 300,
    seeds: () =>
      ['cell_00849', 'omni_img02'].map((name) => {
        const bytes = shared('reference', 'seg', `${name}_seg.npy`);
        return { label: `reference/seg/${name}_seg.npy`, bytes, fields: segFields(bytes) };
      }),
    read: (bytes) => {
      const { masks, outlines, isManual } = readSegFile(bytes);
      const voxels = masks.planes * masks.height * masks.width;
      if (!(voxels > 0) || masks.data.length !== voxels) fail(`${masks.data.length} labels for ${masks.planes} x ${masks.height} x ${masks.width}`);
      if (outlines.data.length !== voxels) fail(`${outlines.data.length} outline labels for ${voxels} mask labels`);
      if (isManual !== undefined && isManual.some((flag) => flag > 1)) fail('an ismanual flag other than 0 or 1');
    },
  },
  {
    name: 'ImageJ ROI set (.zip)',
    cases: 400,
    // ../shared holds no ROI set: the official masks there are written as one, stored as Cellpose's save_rois does
    // and deflated as ImageJ's ROI Manager does, and read back onto an image of their size as masks convert does.
    seeds: async () => {
      const seeds: FuzzSeed[] = [];
      for (const name of ['cell_00849', 'omni_img02']) {
        const masks = await decodeImage(shared('reference', 'seg', `${name}.seg-source.masks.tif`));
        const stored = encodeLabelFile('imagej-rois', Uint32Array.from(masks.data), masks.width, masks.height) as Uint8Array;
        const deflated = zipSync(unzipSync(stored), { level: 6 });
        const label = `${name}.seg-source.masks.tif as a ROI set`;
        seeds.push({ label: `${label} (stored)`, bytes: stored, fields: roiSetFields(stored) }, { label: `${label} (deflated)`, bytes: deflated, fields: zipFields(deflated) });
      }
      return seeds;
    },
    read: (bytes) => {
      const labels = roiSetLabels(bytes, ROI_IMAGE);
      if (labels.length !== ROI_IMAGE.width * ROI_IMAGE.height) fail(`${labels.length} labels for a ${ROI_IMAGE.width} x ${ROI_IMAGE.height} image`);
    },
  },
  {
    name: 'history import (JSON)',
    cases: 500,
    seeds: () => {
      const bytes = historyExportBytes();
      return [{ label: 'history export of a benchmark and a segmentation run', bytes, fields: jsonFields(bytes) }];
    },
    read: (bytes) => {
      const doc = parseExport('runs.json', new TextDecoder().decode(bytes));
      if (!Array.isArray(doc.benchmarkRuns) || !Array.isArray(doc.segmentationRuns)) fail('an export without its lists of runs');
    },
  },
  {
    name: '.onnx',
    cases: 50,
    // ../shared holds checkpoints: the ONNX file is CellDesk's own conversion of one, as users import them.
    seeds: () => [{ label: 'celldesk-demo converted to ONNX', bytes: convertCheckpoint(demoZip()).onnx, fields: [] }],
    read: (bytes) => {
      const { architecture } = readOnnxArchitecture(bytes);
      if (!(architecture.diamMean > 0) || architecture.nbase.length === 0) fail('an architecture without diameter or channels');
    },
  },
  {
    name: 'browser-mode message',
    cases: 400,
    seeds: () => {
      const bytes = encodeMessage({ input: { name: '069_masks.png', bytes: shared('images', 'scellseg-contrast_data', 'neurocyte', '069_masks.png') } });
      return [{ label: 'an image:upload of 069_masks.png', bytes, fields: [{ offset: 0, bytes: 4, littleEndian: true }, ...jsonFields(bytes)] }];
    },
    read: (bytes) => {
      decodeMessage(bytes);
    },
  },
];
