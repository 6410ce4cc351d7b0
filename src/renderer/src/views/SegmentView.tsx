// The Segment view: controls on the left, the viewer in the middle, results on the right, and the keyboard
// shortcuts Cellpose users know (X masks, Z outlines) plus F flows, P cell probability, Delete, M merge, D draw,
// E erase, [ ] brush size, Escape and undo/redo; and the warning before leaving the page with unsaved edits. Renderer.
import { Alert, ScrollArea, Text } from '@mantine/core';
import { useEffect } from 'react';
import type { Workbench } from '../model/workbench';
import { keyBelongsToControl } from '../keyboard';
import { useStore } from '../useStore';
import { ControlPanel } from './ControlPanel';
import { LargeRunDialog } from './LargeRunDialog';
import { ResultsPanel } from './ResultsPanel';
import { Viewer } from './Viewer';

function useShortcuts(workbench: Workbench, active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (keyBelongsToControl(event.target)) return;
      const key = event.key.toLowerCase();
      const command = event.ctrlKey || event.metaKey;
      if (command && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) workbench.redo();
        else workbench.undo();
      } else if (command && key === 'y') {
        event.preventDefault();
        workbench.redo();
      } else if (command || event.altKey) {
        return;
      } else if (key === 'x') {
        workbench.toggleMasks();
      } else if (key === 'z') {
        workbench.toggleOutlines();
      } else if (key === 'f') {
        workbench.toggleNetworkLayer('flows');
      } else if (key === 'p') {
        workbench.toggleNetworkLayer('cellprob');
      } else if (key === 'delete' || key === 'backspace') {
        event.preventDefault();
        workbench.deleteSelected();
      } else if (key === 'm') {
        workbench.mergeSelected();
      } else if (key === 'd') {
        workbench.setTool('draw');
      } else if (key === 'e') {
        workbench.setTool('erase');
      } else if (key === '[' || key === ']') {
        workbench.changeBrushSize(key === ']' ? 1 : -1);
      } else if (key === 'escape') {
        workbench.escape();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [workbench, active]);
}

/** While edits are unsaved, leaving or reloading the page asks first, and the waiting draft is sent at once. */
function useUnsavedWarning(workbench: Workbench): void {
  useEffect(() => {
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (!workbench.store.get().unsaved) return;
      void workbench.flushDraft();
      event.preventDefault();
      // Older Chromium (and so Electron) shows the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => window.removeEventListener('beforeunload', beforeUnload);
  }, [workbench]);
}

/** Errors float over the viewer until dismissed; they are rare and must be read. */
function ErrorMessage({ workbench }: { workbench: Workbench }) {
  const error = useStore(workbench.store, (s) => s.error);
  if (error === null) return null;
  return (
    <Alert className="error-message" color="red" title="Something went wrong" withCloseButton onClose={() => workbench.dismissError()} role="alert">
      {error}
    </Alert>
  );
}

/**
 * What the last action did, on one line under the viewer. Its height is fixed so that the viewer's canvas sits on
 * whole pixels (a fractional offset would shift its drawing by part of a pixel).
 */
function StatusBar({ workbench }: { workbench: Workbench }) {
  const notice = useStore(workbench.store, (s) => s.notice);
  return (
    <Text className="status-bar" size="sm" role="status" title={notice ?? undefined}>
      {notice ?? ''}
    </Text>
  );
}

/** `active`: shown; the shortcuts apply only then (the view stays mounted, hidden, behind the other views). */
export function SegmentView({ workbench, active = true }: { workbench: Workbench; active?: boolean }) {
  useShortcuts(workbench, active);
  useUnsavedWarning(workbench);
  useEffect(() => {
    void workbench.loadModels();
    void workbench.loadRecent();
  }, [workbench]);
  return (
    <div className="segment-view">
      <ScrollArea className="side-panel" type="auto">
        <ControlPanel workbench={workbench} />
      </ScrollArea>
      <div className="centre">
        <ErrorMessage workbench={workbench} />
        <LargeRunDialog workbench={workbench} />
        <Viewer workbench={workbench} active={active} />
        <StatusBar workbench={workbench} />
      </div>
      <div className="side-panel">
        <ResultsPanel workbench={workbench} />
      </div>
    </div>
  );
}
