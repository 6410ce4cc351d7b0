// The Benchmark view's state and actions, outside React (views subscribe to `store`): what to measure, the run in
// progress filled in from 'bench:event' events as its samples arrive, and this computer's fingerprint. Talks to the
// engine only through an EngineClient. Renderer (DOM-free).
import type {
  BenchmarkEvent,
  BenchmarkRunInfo,
  BenchmarkSample,
  BenchmarkStatus,
  CropSize,
  ExecutionProvider,
  ProviderCheck,
  ProviderResult,
  StageProgress,
  ThisDevice,
} from '../../../shared/contract';
import { EXECUTION_PROVIDERS, providersWorthMeasuring } from '../../../shared/contract';
import { parseCropSizes } from '../../../shared/bench/cropSizes';
import { deviceLabel, type ChartRun } from '../../../shared/bench/figures';
import type { Store } from '../../../shared/viewer/store';
import type { EngineClient } from '../engineClient';
import { messageOf } from '../errorText';
import type { ModelCatalog } from './modelCatalog';

export type ProtocolName = 'quick' | 'full';

/**
 * Presets of the crop sizes and iterations. full: the published protocol (every crop side 224, 448, ... up to the
 * full image, left to the engine; 5 iterations; diameter estimated). quick: a first look.
 */
export const PROTOCOLS: Record<ProtocolName, { sizes: string; iterations: number }> = {
  quick: { sizes: '224, 448', iterations: 2 },
  full: { sizes: '', iterations: 5 },
};

/** The preset the options match, if any. */
export function protocolOf(options: Pick<BenchmarkOptions, 'sizes' | 'iterations'>): ProtocolName | null {
  const names = Object.keys(PROTOCOLS) as ProtocolName[];
  return names.find((name) => PROTOCOLS[name].sizes === options.sizes.trim() && PROTOCOLS[name].iterations === options.iterations) ?? null;
}

export interface BenchmarkOptions {
  /** Catalogue or registered model name, or a model file's path. */
  model: string;
  /** An image file to crop; empty: the synthetic 2560 x 2160 cell image. */
  imagePath: string;
  providers: ExecutionProvider[];
  /** Crop sides as typed (see parseCropSizes); empty: the published protocol's. */
  sizes: string;
  iterations: number;
  estimateDiameter: boolean;
}

export interface BenchmarkState {
  device: ThisDevice | null;
  /** Which providers start on this computer; null until the engine has said. */
  providersHere: ProviderCheck[] | null;
  options: BenchmarkOptions;
  running: boolean;
  cancelling: boolean;
  /** The run shown: in progress, or the last one. */
  run: BenchmarkRunInfo | null;
  providerResults: ProviderResult[];
  samples: BenchmarkSample[];
  plannedSamples: number;
  /** Where the run is inside one segmentation: provider, crop, iteration (0: warm-up) and stage. */
  stage: { provider: ExecutionProvider; size: CropSize; iteration: number; progress: StageProgress } | null;
  /** How the last run ended. */
  status: BenchmarkStatus | null;
  error: string | null;
}

export function initialBenchmarkState(): BenchmarkState {
  return {
    device: null,
    providersHere: null,
    options: { model: '', imagePath: '', providers: [...EXECUTION_PROVIDERS], ...PROTOCOLS.quick, estimateDiameter: true },
    running: false,
    cancelling: false,
    run: null,
    providerResults: [],
    samples: [],
    plannedSamples: 0,
    stage: null,
    status: null,
    error: null,
  };
}

export class BenchmarkModel {
  /** `onRecorded` is told when a run has ended and is in the history. */
  constructor(
    private readonly client: EngineClient,
    readonly store: Store<BenchmarkState>,
    readonly catalog: ModelCatalog,
    private readonly onRecorded: () => void = () => {},
  ) {
    // Subscribed once, before any run, so that no event of a run is missed while a listener connects.
    client.on('bench:event', (event) => {
      if (this.store.get().running) this.receive(event);
    });
  }

  /**
   * The models to choose from (once), this computer's fingerprint (once), and which providers start here (once),
   * those ticked unless the user has ticked others meanwhile.
   */
  async load(): Promise<void> {
    try {
      await this.catalog.loaded();
      this.store.set(({ options }) => ({ options: { ...options, model: this.catalog.chosen(options.model) } }));
      if (this.store.get().device === null) this.store.set({ device: await this.client.call('device:describe') });
      if (this.store.get().providersHere === null) {
        const untouched = this.store.get().options.providers.length === EXECUTION_PROVIDERS.length;
        const providersHere = await this.client.call('providers:check');
        this.store.set(({ options }) => ({ providersHere, options: untouched ? { ...options, providers: providersWorthMeasuring(providersHere) } : options }));
      }
    } catch (error) {
      this.store.set({ error: messageOf(error) });
    }
  }

  setOptions(change: Partial<BenchmarkOptions>): void {
    this.store.set(({ options }) => ({ options: { ...options, ...change } }));
  }

  useProtocol(name: ProtocolName): void {
    // The published protocol estimates the diameter.
    this.setOptions({ ...PROTOCOLS[name], ...(name === 'full' ? { estimateDiameter: true } : {}) });
  }

  toggleProvider(provider: ExecutionProvider): void {
    const { providers } = this.store.get().options;
    const next = providers.includes(provider) ? providers.filter((p) => p !== provider) : EXECUTION_PROVIDERS.filter((p) => p === provider || providers.includes(p));
    this.setOptions({ providers: next });
  }

  /** Runs the benchmark; the charts fill in from its events and the final report replaces them when it ends. */
  async start(): Promise<void> {
    const { options, running } = this.store.get();
    if (running || options.providers.length === 0) return;
    const sizes = parseCropSizes(options.sizes);
    if (!sizes.ok) {
      this.store.set({ error: sizes.message });
      return;
    }
    this.store.set({ running: true, cancelling: false, run: null, providerResults: [], samples: [], plannedSamples: 0, stage: null, status: null, error: null });
    try {
      const report = await this.client.call('bench:start', {
        model: options.model.trim(),
        ...(options.imagePath.trim() === '' ? {} : { imagePath: options.imagePath.trim() }),
        ...(sizes.sizes === null ? {} : { sizes: sizes.sizes }),
        iterations: options.iterations,
        // All of them: left to the engine, which measures the CPU first (speed-ups are against it).
        ...(options.providers.length === EXECUTION_PROVIDERS.length ? {} : { providers: options.providers }),
        estimateDiameter: options.estimateDiameter,
      });
      this.store.set(({ plannedSamples }) => ({
        run: report,
        providerResults: report.providers,
        samples: report.samples,
        plannedSamples: Math.max(plannedSamples, report.samples.length),
        status: report.status,
        error: report.error,
      }));
      this.onRecorded();
    } catch (error) {
      this.store.set({ error: messageOf(error) });
    } finally {
      this.store.set({ running: false, cancelling: false, stage: null });
    }
  }

  async cancel(): Promise<void> {
    if (!this.store.get().running) return;
    this.store.set({ cancelling: true });
    try {
      await this.client.call('bench:cancel');
    } catch (error) {
      this.store.set({ error: messageOf(error), cancelling: false });
    }
  }

  dismissError(): void {
    this.store.set({ error: null });
  }

  private receive(event: BenchmarkEvent): void {
    switch (event.type) {
      case 'started':
        this.store.set({ run: event.run, plannedSamples: event.plannedSamples });
        break;
      case 'provider':
        this.store.set(({ providerResults }) => ({
          providerResults: [...providerResults.filter((r) => r.provider !== event.result.provider), event.result],
          plannedSamples: event.plannedSamples,
        }));
        break;
      case 'sample':
        this.store.set(({ samples }) => ({ samples: [...samples, event.sample], plannedSamples: event.plannedSamples }));
        break;
      case 'stage':
        this.store.set({ stage: { provider: event.provider, size: event.size, iteration: event.iteration, progress: event.progress } });
        break;
    }
  }
}

/** The run shown as a chart series; null before a run has started. */
export function chartRunOfState(state: Pick<BenchmarkState, 'run' | 'samples' | 'providerResults'>): ChartRun | null {
  const { run, samples, providerResults } = state;
  return run === null ? null : { uuid: run.uuid, device: deviceLabel(run.fingerprint.hardware), startedAt: run.startedAt, samples, providers: providerResults };
}
