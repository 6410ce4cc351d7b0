// The Segment view: controls on the left, the viewer in the middle, results on the right, and the keyboard
// shortcuts Cellpose users know (X masks, Z outlines) plus F flows, P cell probability, Delete, M merge, D draw,
// E erase, [ ] brush size, Escape and undo/redo; and the warning before leaving the page with unsaved edits. Renderer.
import { ActionIcon, ScrollArea, Stack, Text, Tooltip } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { SegmentModel } from '../model/segment/segmentModel';
import { keyBelongsToControl } from '../keyboard';
import { useStore } from '../useStore';
import { ControlPanel } from './ControlPanel';
import { EngineStoppedAlert } from './EngineStoppedAlert';
import { ErrorAlert } from './ErrorAlert';
import { LargeRunDialog } from './LargeRunDialog';
import { ResultsPanel } from './ResultsPanel';
import { PlaneSliders } from './StackControls';
import { RunBar } from './RunBar';
import { Viewer } from './Viewer';

function useShortcuts(segment: SegmentModel, active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (keyBelongsToControl(event.target)) return;
      const key = event.key.toLowerCase();
      const command = event.ctrlKey || event.metaKey;
      if (command && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) segment.masks.redo();
        else segment.masks.undo();
      } else if (command && key === 'y') {
        event.preventDefault();
        segment.masks.redo();
      } else if (command || event.altKey) {
        return;
      } else if (key === 'x') {
        segment.overlays.toggleMasks();
      } else if (key === 'z') {
        segment.overlays.toggleOutlines();
      } else if (key === 'n') {
        segment.overlays.toggleNumbers();
      } else if (key === 'f') {
        segment.overlays.toggleNetworkLayer('flows');
      } else if (key === 'p') {
        segment.overlays.toggleNetworkLayer('cellprob');
      } else if (key === 'delete' || key === 'backspace') {
        event.preventDefault();
        segment.edits.deleteSelected();
      } else if (key === 'm') {
        segment.edits.mergeSelected();
      } else if (key === 'd') {
        segment.edits.setTool('draw');
      } else if (key === 'e') {
        segment.edits.setTool('erase');
      } else if (key === '[' || key === ']') {
        segment.edits.changeBrushSize(key === ']' ? 1 : -1);
      } else if (key === 'escape') {
        segment.edits.escape();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [segment, active]);
}

/** While edits are unsaved, leaving or reloading the page asks first, and the waiting draft is sent at once. */
function useUnsavedWarning(segment: SegmentModel): void {
  useEffect(() => {
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (!segment.store.get().unsaved) return;
      void segment.drafts.flush();
      event.preventDefault();
      // Older Chromium (and so Electron) shows the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => window.removeEventListener('beforeunload', beforeUnload);
  }, [segment]);
}

/** Errors, and the offer to restart a stopped engine, float over the viewer. */
function ErrorMessage({ segment }: { segment: SegmentModel }) {
  const error = useStore(segment.store, (s) => s.error);
  return (
    <Stack className="error-message" gap="xs">
      <EngineStoppedAlert segment={segment} />
      <ErrorAlert error={error} onClose={() => segment.dismissError()} />
    </Stack>
  );
}

/** Hides or shows a side panel, from the status bar (which is always on screen). */
function PanelToggle({ side, open, onToggle }: { side: 'left' | 'right'; open: boolean; onToggle: () => void }) {
  const label = `${open ? 'Hide' : 'Show'} the ${side === 'left' ? 'controls' : 'results'} panel`;
  const arrow = (side === 'left') === open ? '⟨' : '⟩';
  return (
    <Tooltip label={label}>
      <ActionIcon variant="subtle" color="gray" size="sm" aria-label={label} aria-expanded={open} onClick={onToggle}>
        {arrow}
      </ActionIcon>
    </Tooltip>
  );
}

/**
 * What the last action did, on one line under the viewer, between the panels' toggles. Its height is fixed so that
 * the viewer's canvas sits on whole pixels (a fractional offset would shift its drawing by part of a pixel).
 */
function StatusBar({ segment, panels, onPanels }: { segment: SegmentModel; panels: Panels; onPanels: (panels: Panels) => void }) {
  const notice = useStore(segment.store, (s) => s.notice);
  return (
    <div className="status-bar">
      <PanelToggle side="left" open={panels.left} onToggle={() => onPanels({ ...panels, left: !panels.left })} />
      <Text className="status-text" size="sm" role="status" title={notice ?? undefined}>
        {notice ?? ''}
      </Text>
      <PanelToggle side="right" open={panels.right} onToggle={() => onPanels({ ...panels, right: !panels.right })} />
    </div>
  );
}

interface Panels {
  left: boolean;
  right: boolean;
}

/** `active`: shown; the shortcuts apply only then (the view stays mounted, hidden, behind the other views). */
export function SegmentView({ segment, active = true }: { segment: SegmentModel; active?: boolean }) {
  useShortcuts(segment, active);
  useUnsavedWarning(segment);
  const [panels, setPanels] = useState<Panels>({ left: true, right: true });
  useEffect(() => {
    void segment.parameters.loadModels();
    void segment.parameters.loadPreferences();
    void segment.images.loadRecent();
  }, [segment]);
  const classes = ['segment-view', panels.left ? '' : 'left-collapsed', panels.right ? '' : 'right-collapsed'].filter((c) => c !== '');
  return (
    <div className={classes.join(' ')}>
      <div className="side-panel left-panel" hidden={!panels.left}>
        <ScrollArea className="panel-scroll" type="auto">
          <ControlPanel segment={segment} />
        </ScrollArea>
        <RunBar segment={segment} />
      </div>
      <div className="centre">
        <ErrorMessage segment={segment} />
        <LargeRunDialog segment={segment} />
        <Viewer segment={segment} active={active} />
        <PlaneSliders segment={segment} />
        <StatusBar segment={segment} panels={panels} onPanels={setPanels} />
      </div>
      <div className="side-panel right-panel" hidden={!panels.right}>
        <ResultsPanel segment={segment} />
      </div>
    </div>
  );
}
