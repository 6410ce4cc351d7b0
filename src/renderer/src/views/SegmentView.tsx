// The Segment view: controls on the left, the viewer in the middle, results on the right, and the keyboard
// shortcuts Cellpose users know (X masks, Z outlines) plus F flows, P cell probability, Delete, M merge, D draw,
// E erase, [ ] brush size, Escape and undo/redo; and the warning before leaving the page with unsaved edits. Renderer.
import { ScrollArea, Text } from '@mantine/core';
import { useEffect } from 'react';
import type { SegmentModel } from '../model/segment/segmentModel';
import { keyBelongsToControl } from '../keyboard';
import { useStore } from '../useStore';
import { ControlPanel } from './ControlPanel';
import { ErrorAlert } from './ErrorAlert';
import { ResultsPanel } from './ResultsPanel';
import { PlaneSliders } from './StackControls';
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

/** Errors float over the viewer. */
function ErrorMessage({ segment }: { segment: SegmentModel }) {
  const error = useStore(segment.store, (s) => s.error);
  return <ErrorAlert className="error-message" error={error} onClose={() => segment.dismissError()} />;
}

/**
 * What the last action did, on one line under the viewer. Its height is fixed so that the viewer's canvas sits on
 * whole pixels (a fractional offset would shift its drawing by part of a pixel).
 */
function StatusBar({ segment }: { segment: SegmentModel }) {
  const notice = useStore(segment.store, (s) => s.notice);
  return (
    <Text className="status-bar" size="sm" role="status" title={notice ?? undefined}>
      {notice ?? ''}
    </Text>
  );
}

/** `active`: shown; the shortcuts apply only then (the view stays mounted, hidden, behind the other views). */
export function SegmentView({ segment, active = true }: { segment: SegmentModel; active?: boolean }) {
  useShortcuts(segment, active);
  useUnsavedWarning(segment);
  useEffect(() => {
    void segment.parameters.loadModels();
    void segment.parameters.loadPreferences();
    void segment.images.loadRecent();
  }, [segment]);
  return (
    <div className="segment-view">
      <ScrollArea className="side-panel" type="auto">
        <ControlPanel segment={segment} />
      </ScrollArea>
      <div className="centre">
        <ErrorMessage segment={segment} />
        <Viewer segment={segment} active={active} />
        <PlaneSliders segment={segment} />
        <StatusBar segment={segment} />
      </div>
      <div className="side-panel">
        <ResultsPanel segment={segment} />
      </div>
    </div>
  );
}
