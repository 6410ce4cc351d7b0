// Shapes of what checkpoint loading produces: a PyTorch state dict as typed arrays, and the CPnet it describes.

/** Element type as stored in the checkpoint. Half precision is widened to float32 on load, keeping the tag. */
export type TensorDType = 'float16' | 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export interface StateTensor {
  dtype: TensorDType;
  shape: number[];
  /** C-ordered values: float16/float32 -> Float32Array, float64 -> Float64Array, int64 -> BigInt64Array, ... */
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
}

/** Tensor name -> tensor, in the checkpoint's own order. */
export type StateDict = Map<string, StateTensor>;

/** What a state dict says about the Cellpose network it holds (CELLPOSE-3-INFERENCE.md section 0). */
export interface CpnetArchitecture {
  /** Channel widths, input first: [2, 32, 64, 128, 256] for every official Cellpose 3 model. */
  nbase: number[];
  /** Output maps: 3 (dY, dX, cell probability logit). */
  nout: number;
  /** Convolution kernel size (3). */
  kernelSize: number;
  /** Diameter the model was trained to see, in pixels (30; 17 for nuclei). */
  diamMean: number;
  /** Mean diameter of the training labels; equals diamMean when the checkpoint predates it. */
  diamLabels: number;
  /** True when the checkpoint carried diam_labels itself. */
  hasDiamLabels: boolean;
}
