// `celldesk masks convert <in> <out>`: masks from one kind of file to another (Cellpose _seg.npy, label TIFF/PNG,
// ImageJ ROI set; CSV of measurements as output), the kinds told by the files' extensions.
import { InvalidSettingError } from '../../engine/errors';
import { defaultPosition } from '../../engine/image/imageStack';
import { readImageFile } from '../../engine/io/imageFiles';
import { readMaskFile, writeMaskFile } from '../../engine/io/maskFiles';
import { parseCommandLine, print, type CliIO } from '../io';
import { subcommandDispatcher } from '../subcommands';

const CONVERT_USAGE = 'celldesk masks convert <in> <out> [--image <file>] [--size <width>x<height>] [--diameter <px>] [--json]';

const CONVERT_HELP = `Usage: ${CONVERT_USAGE}

Converts masks between file kinds, told by the extensions:
  _seg.npy       Cellpose session file (masks, outlines, flows, diameter, channels), as Cellpose's GUI and
                 io.masks_flows_to_seg read and write it
  .tif, .tiff    label image (0 = background, 1, 2, ... = masks), 16-bit while the labels fit, else 32-bit
  .png           16-bit label image (up to 65535 masks)
  .zip           ImageJ/Fiji ROI set, one polygon per mask, as Cellpose's save_rois writes it
  .csv           per-mask measurements (area, centroid, mean intensity with --image); written only

Options:
  --image <file>       the image the masks belong to: recorded in a new _seg.npy, its channels measured in a CSV,
                       and its size used for masks read from an ROI set
  --size <W>x<H>       the image size for masks read from an ROI set, when the image is not at hand
  --diameter <px>      the cell diameter a new _seg.npy records (default 30, as Cellpose's)
  --json               print the result as JSON

A _seg.npy converted to another _seg.npy keeps its flows; one made from a label image or ROI set has no flows, so
the Cellpose GUI opens it with masks but cannot re-threshold them.`;

function sizeOption(text: string | undefined): { width: number; height: number } | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)x(\d+)$/i.exec(text.trim());
  const [width, height] = match === null ? [0, 0] : [Number(match[1]), Number(match[2])];
  if (width < 1 || height < 1) throw new InvalidSettingError(`--size takes the image's width and height such as 512x384; got '${text}'.`);
  return { width, height };
}

async function convert(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine(
    {
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { image: { type: 'string' }, size: { type: 'string' }, diameter: { type: 'string' }, json: { type: 'boolean' } },
    },
    CONVERT_USAGE,
    CONVERT_HELP,
  );
  const [input, output] = positionals;
  if (input === undefined || output === undefined || positionals.length > 2) {
    throw new InvalidSettingError(`masks convert needs a file to read and a file to write.\nUsage: ${CONVERT_USAGE}`);
  }
  const diameter = values.diameter === undefined ? undefined : Number(values.diameter);
  if (diameter !== undefined && !(diameter > 0 && Number.isFinite(diameter))) {
    throw new InvalidSettingError(`--diameter needs a diameter in pixels above 0; got '${values.diameter}'.`);
  }
  const image = values.image === undefined ? undefined : { path: values.image, raster: await readDefaultPlane(values.image) };
  const size = sizeOption(values.size) ?? (image === undefined ? undefined : { width: image.raster.width, height: image.raster.height });
  const contents = await readMaskFile(input, size);
  await writeMaskFile(output, contents, { image, diameter });
  const { width, height, planes, data } = contents.masks;
  const maskCount = countMasks(data);
  if (values.json === true) {
    print(io.stdout, JSON.stringify({ input, output, width, height, planes, masks: maskCount, notes: contents.session?.notes ?? [] }));
  } else {
    for (const note of contents.session?.notes ?? []) print(io.stderr, `note: ${note}`);
    print(io.stdout, `${input} -> ${output}: ${maskCount} masks, ${width} x ${height} pixels${planes > 1 ? `, ${planes} planes` : ''}`);
  }
  return 0;
}

/** The number of distinct labels above 0. */
function countMasks(labels: Uint16Array | Uint32Array): number {
  const seen = new Set<number>();
  let last = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label !== 0 && label !== last) seen.add(label);
    last = label;
  }
  return seen.size;
}

export const masksCommand = subcommandDispatcher('masks', { convert: { handler: convert, usage: CONVERT_USAGE, help: CONVERT_HELP } });

/** The plane an image opens on, as its samples (measurement CSVs and outline pictures read it). */
async function readDefaultPlane(path: string) {
  const { stack } = await readImageFile(path);
  return stack.readPlane(defaultPosition(stack.description));
}
