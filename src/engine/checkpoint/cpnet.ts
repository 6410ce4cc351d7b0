// Recognises Cellpose's CPnet in a state dict by tensor names and shapes, and checks that every tensor the forward
// pass needs is there with the right shape, so the ONNX builder can trust it. Pure, runs anywhere.
import { NotACellposeModelError } from './errors';
import type { CpnetArchitecture, StateDict, StateTensor } from './types';

const down = (n: number): string => `downsample.down.res_down_${n}`;
const up = (n: number): string => `upsample.up.res_up_${n}`;

/**
 * [Note: missing diam_mean] Cellpose 3.0.11 builds CPnet with diam_mean / diam_labels parameters set to the model's
 * constructor diam_mean (30 by default; 17 only for the built-in nuclei model) and loads a checkpoint with
 * strict=False, so a checkpoint without these tensors keeps 30 / 30. The file cannot tell a nuclei model, so a
 * caller that knows it loads one passes 17 itself.
 */
const DEFAULT_DIAM_MEAN = 30;

/** The CPnet a state dict holds; throws NotACellposeModelError naming what was found when it holds none. */
export function describeCpnet(stateDict: StateDict): CpnetArchitecture {
  let levels = 0;
  while (stateDict.has(`${down(levels)}.proj.1.weight`)) levels++;
  if (levels === 0) throw notCellpose(stateDict);

  // Encoder block n maps nbase[n] -> nbase[n+1]; its 1x1 projection shows both widths.
  const nbase = [dim(stateDict, `${down(0)}.proj.1.weight`, 1)];
  for (let n = 0; n < levels; n++) nbase.push(dim(stateDict, `${down(n)}.proj.1.weight`, 0));
  const kernelSize = dim(stateDict, `${down(0)}.conv.conv_0.2.weight`, 2);
  const nout = dim(stateDict, 'output.2.weight', 0);
  const expected = expectedTensors(nbase, nout, kernelSize);

  const missing: string[] = [];
  const misshapen: string[] = [];
  for (const [name, shape] of expected) {
    const tensor = stateDict.get(name);
    if (tensor === undefined) missing.push(name);
    else if (!isFloat(tensor) || tensor.shape.join() !== shape.join()) {
      misshapen.push(`'${name}' is ${tensor.dtype} [${tensor.shape.join(', ')}], expected float [${shape.join(', ')}]`);
    }
  }
  const unexpected = [...stateDict.keys()].filter(
    (name) =>
      !expected.has(name) &&
      name !== 'diam_mean' &&
      name !== 'diam_labels' &&
      // BatchNorm's step counter: not used at inference, absent from checkpoints older than PyTorch 0.4.1.
      !(name.endsWith('.num_batches_tracked') && expected.has(name.replace(/num_batches_tracked$/, 'running_mean'))),
  );
  const diamMean = diameter(stateDict, 'diam_mean', misshapen) ?? DEFAULT_DIAM_MEAN;
  const diamLabels = diameter(stateDict, 'diam_labels', misshapen);

  if (missing.length + misshapen.length + unexpected.length > 0) {
    const problems = [
      missing.length > 0 ? `${missing.length} missing (such as ${quoteList(missing)})` : '',
      misshapen.length > 0 ? `${misshapen.length} of the wrong shape or type (${misshapen.slice(0, 2).join('; ')})` : '',
      unexpected.length > 0
        ? `${unexpected.length} that a Cellpose network does not have (such as ${quoteList(unexpected)})`
        : '',
    ].filter((p) => p !== '');
    throw new NotACellposeModelError(
      `This file's ${stateDict.size} tensors look like a Cellpose network (channel widths ${nbase.join(', ')}) but ` +
        `do not match its layout: ${problems.join('; ')}. It may come from a different Cellpose version or be damaged.`,
      { tensorCount: stateDict.size, nbase, missing, misshapen, unexpected },
    );
  }
  return {
    nbase,
    nout,
    kernelSize,
    diamMean,
    diamLabels: diamLabels ?? diamMean,
    hasDiamLabels: diamLabels !== undefined,
  };
}

/** Every tensor CPnet's forward pass reads, with its shape (CELLPOSE-3-INFERENCE.md section 0). */
function expectedTensors(nbase: number[], nout: number, sz: number): Map<string, number[]> {
  const expected = new Map<string, number[]>();
  const batchNorm = (prefix: string, channels: number): void => {
    for (const p of ['weight', 'bias', 'running_mean', 'running_var']) expected.set(`${prefix}.${p}`, [channels]);
  };
  const conv = (prefix: string, cin: number, cout: number, k: number): void => {
    expected.set(`${prefix}.weight`, [cout, cin, k, k]);
    expected.set(`${prefix}.bias`, [cout]);
  };
  // batchconv = BatchNorm, ReLU, Conv (Sequential indices 0, 1, 2); batchconv0 = BatchNorm, Conv (0, 1).
  const batchconv = (prefix: string, cin: number, cout: number, k: number): void => {
    batchNorm(`${prefix}.0`, cin);
    conv(`${prefix}.2`, cin, cout, k);
  };
  const batchconv0 = (prefix: string, cin: number, cout: number, k: number): void => {
    batchNorm(`${prefix}.0`, cin);
    conv(`${prefix}.1`, cin, cout, k);
  };
  const levels = nbase.length - 1;
  const styleChannels = nbase[levels]!;
  for (let n = 0; n < levels; n++) {
    const [cin, cout] = [nbase[n]!, nbase[n + 1]!];
    batchconv0(`${down(n)}.proj`, cin, cout, 1);
    batchconv(`${down(n)}.conv.conv_0`, cin, cout, sz);
    for (const k of [1, 2, 3]) batchconv(`${down(n)}.conv.conv_${k}`, cout, cout, sz);
  }
  const nbaseup = [...nbase.slice(1), styleChannels];
  for (let n = 0; n < levels; n++) {
    const [cin, cout] = [nbaseup[n + 1]!, nbaseup[n]!];
    batchconv0(`${up(n)}.proj`, cin, cout, 1);
    batchconv(`${up(n)}.conv.conv_0`, cin, cout, sz);
    for (const k of [1, 2, 3]) {
      // batchconvstyle: the style vector enters through a Linear layer ('full') before the batchconv.
      batchconv(`${up(n)}.conv.conv_${k}.conv`, cout, cout, sz);
      expected.set(`${up(n)}.conv.conv_${k}.full.weight`, [cout, styleChannels]);
      expected.set(`${up(n)}.conv.conv_${k}.full.bias`, [cout]);
    }
  }
  batchconv('output', nbaseup[0]!, nout, 1);
  return expected;
}

/** One dimension of a tensor, 0 when the tensor or dimension is absent (the shape check then reports it). */
function dim(stateDict: StateDict, name: string, axis: number): number {
  return stateDict.get(name)?.shape[axis] ?? 0;
}

function isFloat(tensor: StateTensor): boolean {
  return tensor.dtype === 'float32' || tensor.dtype === 'float16' || tensor.dtype === 'float64';
}

/** A one-value diameter tensor; undefined when absent, a problem noted when it is not a positive number. */
function diameter(stateDict: StateDict, name: string, problems: string[]): number | undefined {
  const tensor = stateDict.get(name);
  if (tensor === undefined) return undefined;
  const value = tensor.data.length === 1 && isFloat(tensor) ? Number(tensor.data[0]) : NaN;
  if (Number.isFinite(value) && value > 0) return value;
  problems.push(`'${name}' should hold one positive diameter`);
  return undefined;
}

function quoteList(names: string[]): string {
  return names
    .slice(0, 3)
    .map((n) => `'${n}'`)
    .join(', ');
}

function notCellpose(stateDict: StateDict): NotACellposeModelError {
  const names = [...stateDict.keys()];
  const count = names.length === 1 ? '1 tensor' : `${names.length} tensors`;
  const found = names.length === 0 ? 'no tensors' : `${count} (such as ${quoteList(names)})`;
  return new NotACellposeModelError(
    `This file holds ${found} but not a Cellpose network: a Cellpose model has tensors named like ` +
      `'${down(0)}.conv.conv_0.2.weight' and 'output.2.weight'. Choose a Cellpose model file (such as cyto3).`,
    { tensorCount: names.length, names: names.slice(0, 20) },
  );
}
