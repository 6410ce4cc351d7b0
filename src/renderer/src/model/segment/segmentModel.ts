// The Segment view's model: its modules, one per job, wired over the view's slice of the renderer's store. Views
// read the store and call the module that does what the user asked. Renderer (DOM-free).
import type { EngineClient } from '../../engineClient';
import type { ModelCatalog } from '../modelCatalog';
import { Commands } from './commands';
import { Drafts, DRAFT_DELAY_MS } from './drafts';
import { EngineRestart, watchForRestart } from './engineRestart';
import { MaskExports } from './exports';
import { MaskEdits } from './maskEdits';
import { MaskHistory } from './maskHistory';
import { ImageOpener } from './openImage';
import { Overlays } from './overlays';
import { Parameters } from './parameters';
import { RETHRESHOLD_DELAY_MS, Runs } from './runs';
import { SessionFiles } from './sessionFiles';
import { StackPlanes } from './stack';
import type { SegmentStore } from './state';
import { PhysicalUnits } from './units';

/** How long changes settle before the engine is asked again; tests shorten them. */
export interface SegmentTiming {
  rethresholdDelayMs: number;
  draftDelayMs: number;
}

export interface SegmentModel {
  readonly store: SegmentStore;
  /** Where the view runs: the desktop app has native dialogs and a menu; the browser mode has neither. */
  readonly environment: EngineClient['kind'];
  readonly catalog: ModelCatalog;
  readonly images: ImageOpener;
  readonly parameters: Parameters;
  readonly runs: Runs;
  readonly masks: MaskHistory;
  readonly edits: MaskEdits;
  readonly drafts: Drafts;
  readonly overlays: Overlays;
  readonly exports: MaskExports;
  readonly commands: Commands;
  readonly stack: StackPlanes;
  readonly sessions: SessionFiles;
  readonly units: PhysicalUnits;
  dismissError(): void;
  /** Restarts the engine that stopped, opening the shown image again (see [Note: engine restart]). */
  restartEngine(): Promise<void>;
}

export function createSegmentModel(
  client: EngineClient,
  store: SegmentStore,
  catalog: ModelCatalog,
  timing: SegmentTiming = { rethresholdDelayMs: RETHRESHOLD_DELAY_MS, draftDelayMs: DRAFT_DELAY_MS },
): SegmentModel {
  // Every module's calls go through `engine`, so a restarted engine is noticed by whichever meets it first.
  const engine = watchForRestart(client, () => restart);
  const masks = new MaskHistory(store, (edited) => drafts.changed(edited), client.recycled);
  const drafts = new Drafts(store, engine, masks, timing.draftDelayMs);
  const overlays = new Overlays(store, engine);
  const runs = new Runs(store, engine, masks, overlays, timing.rethresholdDelayMs);
  const images = new ImageOpener(store, engine, masks, drafts, overlays);
  const restart = new EngineRestart(store, engine, images, drafts, overlays);
  const stack = new StackPlanes(store, engine, masks, drafts, overlays, runs);
  const sessions = new SessionFiles(store, engine, images, masks, stack);
  images.openSessionsWith(sessions);
  const commands = new Commands(store, images, overlays);
  // Only the desktop app has a native menu and an engine process of its own; the browser mode would open event
  // streams for nothing (see [Note: engine restart]).
  if (client.kind === 'desktop') {
    client.on('app:command', (command) => commands.perform(command));
    client.on('engine:stopped', ({ reason }) => restart.stopped(reason));
  }
  return {
    store,
    environment: client.kind,
    catalog,
    images,
    parameters: new Parameters(store, engine, catalog, runs),
    runs,
    masks,
    edits: new MaskEdits(store, masks, (segmentation) => stack.labelAbove(segmentation)),
    drafts,
    overlays,
    exports: new MaskExports(store, engine, drafts, () => stack.labelsToExport()),
    commands,
    stack,
    sessions,
    units: new PhysicalUnits(store),
    dismissError: () => store.set({ error: null }),
    restartEngine: () => restart.recover(),
  };
}
