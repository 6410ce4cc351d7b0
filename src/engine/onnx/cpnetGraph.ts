// Builds the ONNX graph of a Cellpose 3 CPnet from its state dict (CELLPOSE-3-INFERENCE.md section 0); pure.
// [Note: network contract] input `image` float32 [N, 2, H, W] (N, H, W dynamic; H, W multiples of 8); outputs
// `flows` float32 [N, 3, H, W] (dY, dX, cell probability logit) and `style` float32 [N, 256], L2-normalised per item.
import type { CpnetArchitecture, StateDict, StateTensor } from '../checkpoint/types';
import { GraphBuilder } from './graphBuilder';

export const NETWORK_INPUT = 'image';
export const NETWORK_FLOWS = 'flows';
export const NETWORK_STYLE = 'style';
const OPSET = 17;
const BATCHNORM_EPSILON = 1e-5;

export interface CpnetOnnxOptions {
  /** Written into the model's metadata so a converted file says where it came from. */
  sourceSha256: string;
  producerVersion: string;
  /**
   * [Note: style-only network] Diameter estimation's first pass needs only the style, which comes from the deepest
   * encoder output; a graph without the decoder gives the same style for about 41% of the work. ONNX Runtime does
   * not prune unrequested outputs, so this is a separate model with `style` as its only output.
   */
  styleOnly?: boolean;
}

function asFloat32(tensor: StateTensor): Float32Array {
  return tensor.data instanceof Float32Array ? tensor.data : Float32Array.from(tensor.data, Number);
}

class CpnetWriter {
  readonly graph = new GraphBuilder();

  constructor(private readonly weights: StateDict) {}

  private param(name: string): string {
    const tensor = this.weights.get(name);
    if (tensor === undefined) throw new Error(`CPnet tensor missing: ${name}`);
    return this.graph.floatInitializer(name, tensor.shape, asFloat32(tensor));
  }

  /** BatchNorm (running statistics) -> optional ReLU -> Conv with 'same' padding; Cellpose's batchconv(0). */
  batchConv(x: string, bn: string, conv: string, relu: boolean): string {
    const g = this.graph;
    let y = g.node('BatchNormalization', [x, this.param(`${bn}.weight`), this.param(`${bn}.bias`), this.param(`${bn}.running_mean`), this.param(`${bn}.running_var`)], `${bn}.out`, { epsilon: { float: BATCHNORM_EPSILON } });
    if (relu) y = g.node('Relu', [y], `${bn}.relu`);
    const kernel = this.weights.get(`${conv}.weight`)?.shape[2] ?? 1;
    const pad = Math.floor(kernel / 2);
    return g.node('Conv', [y, this.param(`${conv}.weight`), this.param(`${conv}.bias`)], `${conv}.out`, {
      kernel_shape: [kernel, kernel],
      pads: [pad, pad, pad, pad],
    });
  }

  /** batchconv (BN -> ReLU -> conv) of module path `p`: indices 0 (BN) and 2 (conv). */
  conv(x: string, p: string): string {
    return this.batchConv(x, `${p}.0`, `${p}.2`, true);
  }

  /** batchconvstyle: conv(x + y + Linear(style)) with the linear output broadcast over H, W. */
  styleConv(style: string, x: string, p: string, skip?: string): string {
    const g = this.graph;
    const summed = skip === undefined ? x : g.node('Add', [x, skip], `${p}.skip_add`);
    const feat = g.node('Gemm', [style, this.param(`${p}.full.weight`), this.param(`${p}.full.bias`)], `${p}.full.out`, { transB: 1 });
    const feat4d = g.node('Unsqueeze', [feat, this.spatialAxes()], `${p}.full.4d`);
    const withStyle = g.node('Add', [summed, feat4d], `${p}.style_add`);
    return this.conv(withStyle, `${p}.conv`);
  }

  private spatialAxesName: string | undefined;
  private spatialAxes(): string {
    this.spatialAxesName ??= this.graph.int64Initializer('const.axes_hw', [2, 3]);
    return this.spatialAxesName;
  }

  resDown(x: string, n: number): string {
    const p = `downsample.down.res_down_${n}`;
    const g = this.graph;
    const proj = this.batchConv(x, `${p}.proj.0`, `${p}.proj.1`, false);
    const first = g.node('Add', [proj, this.conv(this.conv(x, `${p}.conv.conv_0`), `${p}.conv.conv_1`)], `${p}.add0`);
    return g.node('Add', [first, this.conv(this.conv(first, `${p}.conv.conv_2`), `${p}.conv.conv_3`)], `${p}.add1`);
  }

  resUp(x: string, skip: string, style: string, n: number): string {
    const p = `upsample.up.res_up_${n}`;
    const g = this.graph;
    const proj = this.batchConv(x, `${p}.proj.0`, `${p}.proj.1`, false);
    const c1 = this.styleConv(style, this.conv(x, `${p}.conv.conv_0`), `${p}.conv.conv_1`, skip);
    const first = g.node('Add', [proj, c1], `${p}.add0`);
    const c3 = this.styleConv(style, this.styleConv(style, first, `${p}.conv.conv_2`), `${p}.conv.conv_3`);
    return g.node('Add', [first, c3], `${p}.add1`);
  }
}

/** The ONNX model bytes for a CPnet; the same state dict always gives the same bytes. */
export function buildCpnetOnnx(weights: StateDict, architecture: CpnetArchitecture, options: CpnetOnnxOptions): Uint8Array {
  const w = new CpnetWriter(weights);
  const g = w.graph;
  const levels = architecture.nbase.length - 1;

  const encoded: string[] = [];
  for (let n = 0; n < levels; n++) {
    const input = n === 0 ? NETWORK_INPUT : g.node('MaxPool', [encoded[n - 1]!], `downsample.maxpool_${n}`, { kernel_shape: [2, 2], strides: [2, 2] });
    encoded.push(w.resDown(input, n));
  }
  const deepest = encoded[levels - 1]!;

  const pooled = g.node('ReduceMean', [deepest], 'style.mean', { axes: [2, 3], keepdims: 0 });
  const norm = g.node('Sqrt', [g.node('ReduceSumSquare', [pooled], 'style.sumsq', { axes: [1], keepdims: 1 })], 'style.norm');
  const style = g.node('Div', [pooled, norm], NETWORK_STYLE);
  const styleOutput = { name: NETWORK_STYLE, dims: ['batch', architecture.nbase[levels]!] };

  const common = {
    graphName: 'cellpose_cpnet',
    inputs: [{ name: NETWORK_INPUT, dims: ['batch', architecture.nbase[0]!, 'height', 'width'] }],
    opset: OPSET,
    producerVersion: options.producerVersion,
    metadata: {
      'cellpose.architecture': 'CPnet',
      'cellpose.nbase': architecture.nbase.join(','),
      'cellpose.nout': String(architecture.nout),
      'cellpose.diam_mean': String(architecture.diamMean),
      'cellpose.diam_labels': String(architecture.diamLabels),
      'celldesk.source_sha256': options.sourceSha256,
      'celldesk.outputs': options.styleOnly === true ? 'style' : 'flows,style',
    },
  };
  if (options.styleOnly === true) return g.encode({ ...common, outputs: [styleOutput] });

  let x = w.resUp(deepest, deepest, style, levels - 1);
  const scales = g.floatInitializer('const.upsample_scales', [4], new Float32Array([1, 1, 2, 2]));
  for (let n = levels - 2; n >= 0; n--) {
    const up = g.node('Resize', [x, '', scales], `upsample.nearest_${n}`, {
      mode: 'nearest',
      coordinate_transformation_mode: 'asymmetric',
      nearest_mode: 'floor',
    });
    x = w.resUp(up, encoded[n]!, style, n);
  }
  const flows = w.batchConv(x, 'output.0', 'output.2', true);
  g.node('Identity', [flows], NETWORK_FLOWS);

  return g.encode({
    ...common,
    outputs: [{ name: NETWORK_FLOWS, dims: ['batch', architecture.nout, 'height', 'width'] }, styleOutput],
  });
}
