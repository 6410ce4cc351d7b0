// `celldesk segment <image> --model M --out labels.tif`: the whole Cellpose pipeline on one image.
import { EXECUTION_PROVIDERS, type ExecutionProviderChoice } from '../../engine/backend/types';
import { onnxRuntimeBackend } from '../../engine/backend/onnxruntime';
import { InvalidSettingError } from '../../engine/errors';
import { encodeLabelTiff } from '../../engine/image/encodeTiff';
import { writeFileAtomically } from '../../engine/io/atomicWrite';
import { loadImageFile } from '../../engine/io/imageFiles';
import { openModel } from '../../engine/io/openModel';
import { recordSegmentationRun } from '../../engine/history/recordSegmentation';
import { ModelManager } from '../../engine/models/modelManager';
import { segmentImage } from '../../engine/pipeline/segment';
import { CELLPOSE_DEFAULTS, resolveSettings } from '../../engine/pipeline/settings';
import { parseCommandLine, print, type CommandHandler } from '../io';

const USAGE =
  'celldesk segment <image> --model <name|checkpoint> --out <labels.tif> [--size-model <npy>] [--diameter <px>, 0 = estimate] ' +
  '[--channels c1,c2] [--flow-threshold 0.4] [--cellprob-threshold 0] [--min-size 15] [--niter N] [--augment] ' +
  '[--batch-size 8] [--ep auto|cpu|webgpu|cuda|coreml|dml] [--page N] [--json] [--no-history]';

function numberOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidSettingError(`--${name} needs a number; got '${text}'.`);
  return value;
}

export function channelsOption(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((p) => !Number.isInteger(p))) {
    throw new InvalidSettingError(`--channels takes two channel numbers such as 2,3 (0 = grayscale/none); got '${text}'.`);
  }
  return [parts[0]!, parts[1]!];
}

function providerOption(text: string | undefined): ExecutionProviderChoice {
  const choice = text ?? 'auto';
  if (choice !== 'auto' && !(EXECUTION_PROVIDERS as readonly string[]).includes(choice)) {
    throw new InvalidSettingError(`--ep must be auto or one of ${EXECUTION_PROVIDERS.join(', ')}; got '${choice}'.`);
  }
  return choice as ExecutionProviderChoice;
}

export const segmentCommand: CommandHandler = async (argv, io) => {
  const { values, positionals } = parseCommandLine(
    {
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        model: { type: 'string' },
        out: { type: 'string' },
        'size-model': { type: 'string' },
        diameter: { type: 'string' },
        channels: { type: 'string' },
        'flow-threshold': { type: 'string' },
        'cellprob-threshold': { type: 'string' },
        'min-size': { type: 'string' },
        niter: { type: 'string' },
        augment: { type: 'boolean' },
        'batch-size': { type: 'string' },
        ep: { type: 'string' },
        page: { type: 'string' },
        json: { type: 'boolean' },
        'no-history': { type: 'boolean' },
      },
    },
    USAGE,
  );
  const [imagePath] = positionals;
  if (imagePath === undefined || positionals.length > 1 || values.model === undefined || values.out === undefined) {
    throw new InvalidSettingError(`segment needs one image, --model and --out.\nUsage: ${USAGE}`);
  }
  const provider = providerOption(values.ep);
  const settings = resolveSettings({
    channels: channelsOption(values.channels) ?? CELLPOSE_DEFAULTS.channels,
    diameter: numberOption('diameter', values.diameter) ?? CELLPOSE_DEFAULTS.diameter,
    flowThreshold: numberOption('flow-threshold', values['flow-threshold']) ?? CELLPOSE_DEFAULTS.flowThreshold,
    cellprobThreshold: numberOption('cellprob-threshold', values['cellprob-threshold']) ?? CELLPOSE_DEFAULTS.cellprobThreshold,
    minSize: numberOption('min-size', values['min-size']) ?? CELLPOSE_DEFAULTS.minSize,
    niter: numberOption('niter', values.niter),
    augment: values.augment ?? false,
    batchSize: numberOption('batch-size', values['batch-size']) ?? CELLPOSE_DEFAULTS.batchSize,
  });

  const start = performance.now();
  const { image, pagesAsChannels } = await loadImageFile(imagePath, { page: numberOption('page', values.page) });
  const manager = new ModelManager({ env: io.env });
  try {
    const model = await openModel(manager, onnxRuntimeBackend, { model: values.model, provider, sizeModelPath: values['size-model'] });
    try {
      const result = await segmentImage(image, model, settings);
      await writeFileAtomically(values.out, encodeLabelTiff(result.labels, result.width, result.height));
      const timings = { ...result.timings, total: performance.now() - start };
      if (values['no-history'] !== true) {
        await recordSegmentationRun(manager.paths.databaseFile, { imagePath, image, model: model.resolved, result, timings, onnxRuntimeVersion: onnxRuntimeBackend.version });
      }
      if (values.json === true) {
        print(io.stdout, JSON.stringify({
          masks: result.maskCount,
          diameter: result.diameter,
          diameterFromStyle: result.diameterFromStyle,
          executionProvider: result.executionProvider,
          image: { width: image.width, height: image.height, channels: image.channels, pagesAsChannels },
          model: { name: model.resolved.name, path: model.resolved.path, sha256: model.resolved.sha256 },
          out: values.out,
          timings,
        }));
      } else {
        for (const f of model.fallbackReasons) print(io.stderr, `note: ${f.provider} not used: ${f.reason}`);
        print(io.stdout, `${result.maskCount} masks, diameter ${result.diameter.toFixed(2)} px${result.diameterFromStyle === null ? '' : ' (estimated)'}, on ${result.executionProvider}, ${(timings.total / 1000).toFixed(2)} s -> ${values.out}`);
      }
      return 0;
    } finally {
      await model.release();
    }
  } finally {
    manager.close();
  }
};
