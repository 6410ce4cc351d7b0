// A small writer of ONNX graphs: nodes, float32/int64 initializers, typed inputs/outputs -> ModelProto bytes; pure.
import { ModelProto, OnnxAttributeType, OnnxDataType } from './onnxSchema';

export type AttributeValue = number | number[] | string | { float: number };

interface Attribute {
  name: string;
  type: number;
  i?: number;
  f?: number;
  s?: Uint8Array;
  ints?: number[];
  floats?: number[];
}

interface Node {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: Attribute[];
}

interface Tensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

/** A dimension is either fixed or a named dynamic axis. */
export type Dim = number | string;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(values: Float32Array | BigInt64Array): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('ONNX export needs a little-endian machine');
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function toAttribute(name: string, value: AttributeValue): Attribute {
  if (typeof value === 'number') return { name, type: OnnxAttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: OnnxAttributeType.INTS, ints: value };
  return { name, type: OnnxAttributeType.FLOAT, f: value.float };
}

function valueInfo(name: string, dims: Dim[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: OnnxDataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Tensor[] = [];
  private readonly usedNames = new Set<string>();

  /** Adds a float32 constant; its name must be unique. */
  floatInitializer(name: string, dims: number[], values: Float32Array): string {
    this.claim(name);
    this.initializers.push({ name, dims, dataType: OnnxDataType.FLOAT, rawData: littleEndianBytes(values) });
    return name;
  }

  int64Initializer(name: string, values: number[]): string {
    this.claim(name);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: OnnxDataType.INT64, rawData: littleEndianBytes(data) });
    return name;
  }

  /** Appends a node whose single output is named `output`; returns that name for chaining. */
  node(opType: string, inputs: string[], output: string, attributes: Record<string, AttributeValue> = {}): string {
    this.claim(output);
    this.nodes.push({
      name: output,
      opType,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([k, v]) => toAttribute(k, v)),
    });
    return output;
  }

  /** Serialises the graph; identical calls give identical bytes (no timestamps, fixed field order). */
  encode(options: {
    graphName: string;
    inputs: { name: string; dims: Dim[] }[];
    outputs: { name: string; dims: Dim[] }[];
    opset: number;
    producerVersion: string;
    metadata: Record<string, string>;
  }): Uint8Array {
    const message = ModelProto.fromObject({
      irVersion: 8,
      producerName: 'CellDesk',
      producerVersion: options.producerVersion,
      graph: {
        name: options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: options.inputs.map((i) => valueInfo(i.name, i.dims)),
        output: options.outputs.map((o) => valueInfo(o.name, o.dims)),
      },
      opsetImport: [{ domain: '', version: options.opset }],
      metadataProps: Object.entries(options.metadata)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => ({ key, value })),
    });
    return ModelProto.encode(message).finish();
  }

  private claim(name: string): void {
    if (this.usedNames.has(name)) throw new Error(`ONNX graph name used twice: ${name}`);
    this.usedNames.add(name);
  }
}
