// The Segment view: controls on the left, the viewer in the middle, results on the right, and the keyboard
// shortcuts Cellpose users know (X masks, Z outlines) plus Delete, Escape and undo/redo. Renderer.
import { Alert, ScrollArea } from '@mantine/core';
import { useEffect } from 'react';
import type { Workbench } from '../model/workbench';
import { useStore } from '../useStore';
import { ControlPanel } from './ControlPanel';
import { ResultsPanel } from './ResultsPanel';
import { Viewer } from './Viewer';

/** Whether a key press belongs to a text field (or another control that reads keys) rather than to the view. */
function typingInto(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('input, textarea, select, [contenteditable="true"], [role="dialog"]') !== null;
}

function useShortcuts(workbench: Workbench): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typingInto(event.target)) return;
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
      } else if (key === 'delete' || key === 'backspace') {
        event.preventDefault();
        workbench.deleteSelected();
      } else if (key === 'escape') {
        workbench.clearSelection();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [workbench]);
}

function Messages({ workbench }: { workbench: Workbench }) {
  const error = useStore(workbench.store, (s) => s.error);
  const notice = useStore(workbench.store, (s) => s.notice);
  if (error !== null) {
    return (
      <Alert className="message" color="red" title="Something went wrong" withCloseButton onClose={() => workbench.dismissError()} role="alert">
        {error}
      </Alert>
    );
  }
  if (notice !== null) {
    return (
      <Alert className="message" color="blue" variant="light" role="status">
        {notice}
      </Alert>
    );
  }
  return null;
}

export function SegmentView({ workbench }: { workbench: Workbench }) {
  useShortcuts(workbench);
  useEffect(() => {
    void workbench.loadModels();
  }, [workbench]);
  return (
    <div className="segment-view">
      <ScrollArea className="side-panel" type="auto">
        <ControlPanel workbench={workbench} />
      </ScrollArea>
      <div className="centre">
        <Messages workbench={workbench} />
        <Viewer workbench={workbench} />
      </div>
      <div className="side-panel">
        <ResultsPanel workbench={workbench} />
      </div>
    </div>
  );
}
