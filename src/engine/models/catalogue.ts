// The official Cellpose 3.0.11 models: names, the files official Cellpose downloads for them, what is known of
// those files, and which ones CellDesk can run; pure data.
// [Note: catalogue file names] Official Cellpose resolves a model name to a file with `models.model_path`:
// cyto, cyto2 and nuclei become `<name>torch_0`, every other name is its own file; `models.size_model_path` gives
// `size_cyto3.npy` for cyto3 and `size_<name>torch_0.npy` for cyto, cyto2 and nuclei, and no size model otherwise.
// Both are fetched from https://www.cellpose.org/models/<file> into ~/.cellpose/models/<file>.
// [Note: built-in diam_mean] For a built-in model official Cellpose ignores the diam_mean stored in the file: it
// uses 17 for `nuclei` and 30 for every other name (`models.get_model_params`, `CellposeModel.__init__`).

export interface CatalogueFile {
  /** File name on the model server and in the Cellpose model folder. */
  file: string;
  /** Published size and sha256, where known; otherwise the hash is recorded at first download. */
  bytes?: number;
  sha256?: string;
}

export interface SupportedModel {
  name: string;
  supported: true;
  description: string;
  checkpoint: CatalogueFile;
  sizeModel: CatalogueFile | null;
  diamMean: number;
}

export interface UnsupportedModel {
  name: string;
  supported: false;
  description: string;
  file: string;
  /** Why CellDesk cannot run it, in words for the user. */
  reason: string;
}

export type CatalogueEntry = SupportedModel | UnsupportedModel;

function cpnet(name: string, description: string, overrides: Partial<SupportedModel> = {}): SupportedModel {
  return { name, supported: true, description, checkpoint: { file: name }, sizeModel: null, diamMean: 30, ...overrides };
}

const NOT_A_CPNET =
  'it is a transformer network (SegFormer backbone), not the Cellpose U-net (CPnet) that CellDesk runs';

/** Published sizes and hashes: ../shared/DATA-SOURCES.md section 1. */
export const CATALOGUE: readonly CatalogueEntry[] = [
  cpnet('cyto3', 'Cellpose 3 super-generalist model: cytoplasm, nuclei and many other images', {
    checkpoint: {
      file: 'cyto3',
      bytes: 26_566_255,
      sha256: '2dc3087a8abd7da46d1ab0ddd5824639933cc3ff63b382af3fa1939a392db93c',
    },
    sizeModel: {
      file: 'size_cyto3.npy',
      bytes: 3_627,
      sha256: '87f91feb48019b4dfb0400e7bbb89aca5873368686815aa7b4431c0faee97fc5',
    },
  }),
  cpnet('nuclei', 'Nuclei (Cellpose 1 and 2 training set)', {
    checkpoint: {
      file: 'nucleitorch_0',
      bytes: 26_563_614,
      sha256: '89ca45e4a45048d5010d29621466b1274b91b3dcb9714dce9f9e90a9a8671303',
    },
    sizeModel: {
      file: 'size_nucleitorch_0.npy',
      bytes: 3_627,
      sha256: 'a79107c9f284b569dd65f3a7363014d613a3403241c062822f07b6f026b4d3ef',
    },
    diamMean: 17,
  }),
  cpnet('cyto2', 'Cellpose 2 cytoplasm model (cyto training set plus user images)', {
    checkpoint: { file: 'cyto2torch_0' },
    sizeModel: { file: 'size_cyto2torch_0.npy' },
  }),
  cpnet('cyto', 'Cellpose 1 cytoplasm model', {
    checkpoint: { file: 'cytotorch_0' },
    sizeModel: { file: 'size_cytotorch_0.npy' },
  }),
  cpnet('cyto2_cp3', 'Cellpose 3 dataset-specific model: cyto2 training set'),
  cpnet('tissuenet_cp3', 'Cellpose 3 dataset-specific model: TissueNet (tissue sections)'),
  cpnet('livecell_cp3', 'Cellpose 3 dataset-specific model: LIVECell (phase-contrast cell lines)'),
  cpnet('yeast_PhC_cp3', 'Cellpose 3 dataset-specific model: yeast, phase contrast'),
  cpnet('yeast_BF_cp3', 'Cellpose 3 dataset-specific model: yeast, bright field'),
  cpnet('bact_phase_cp3', 'Cellpose 3 dataset-specific model: bacteria, phase contrast'),
  cpnet('bact_fluor_cp3', 'Cellpose 3 dataset-specific model: bacteria, fluorescence'),
  cpnet('deepbacs_cp3', 'Cellpose 3 dataset-specific model: DeepBacs bacteria'),
  cpnet('neurips_cellpose_default', 'NeurIPS 2022 cell segmentation challenge model (Cellpose U-net)'),
  cpnet('neurips_grayscale_cyto2', 'NeurIPS 2022 challenge model for grayscale images, from cyto2'),
  cpnet('CP', 'Cellpose 2 model zoo: cytoplasm (CP)'),
  cpnet('CPx', 'Cellpose 2 model zoo: cytoplasm (CPx)'),
  cpnet('TN1', 'Cellpose 2 model zoo: TissueNet 1'),
  cpnet('TN2', 'Cellpose 2 model zoo: TissueNet 2'),
  cpnet('TN3', 'Cellpose 2 model zoo: TissueNet 3'),
  cpnet('LC1', 'Cellpose 2 model zoo: LIVECell 1'),
  cpnet('LC2', 'Cellpose 2 model zoo: LIVECell 2'),
  cpnet('LC3', 'Cellpose 2 model zoo: LIVECell 3'),
  cpnet('LC4', 'Cellpose 2 model zoo: LIVECell 4'),
  {
    name: 'transformer_cp3',
    supported: false,
    description: 'Cellpose 3 transformer model',
    file: 'transformer_cp3',
    reason: NOT_A_CPNET,
  },
  {
    name: 'neurips_cellpose_transformer',
    supported: false,
    description: 'NeurIPS 2022 challenge transformer model',
    file: 'neurips_cellpose_transformer',
    reason: NOT_A_CPNET,
  },
];

export function findCatalogueEntry(catalogue: readonly CatalogueEntry[], name: string): CatalogueEntry | undefined {
  return catalogue.find((entry) => entry.name === name);
}
