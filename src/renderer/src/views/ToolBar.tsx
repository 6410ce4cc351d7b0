// The viewer's editing tool bar: select, draw or erase, always in view over the image, with the brush size while
// erasing. Renderer.
import { Button, Group, Text, Tooltip } from '@mantine/core';
import type { SegmentModel } from '../model/segment/segmentModel';
import type { Tool } from '../model/segment/state';
import { useStore } from '../useStore';

const TOOLS: { tool: Tool; label: string; key: string; hint: string }[] = [
  { tool: 'select', label: 'Select', key: 'Esc', hint: 'Click a mask to select it, shift-click for several; drag to pan' },
  { tool: 'draw', label: 'Draw', key: 'D', hint: 'Drag a closed outline to add a mask (right-drag draws with any tool)' },
  { tool: 'erase', label: 'Erase', key: 'E', hint: 'Drag to erase mask pixels; [ and ] change the brush size' },
];

/** The current tool, always in view, with the brush size while erasing. */
export function ToolBar({ segment }: { segment: SegmentModel }) {
  const tool = useStore(segment.store, (s) => s.tool);
  const brushSize = useStore(segment.store, (s) => s.brushSize);
  const hasMasks = useStore(segment.store, (s) => s.segmentation !== null);
  return (
    <Group className="viewer-modes" gap={4} role="toolbar" aria-label="Editing tool">
      {TOOLS.map(({ tool: option, label, key, hint }) => (
        <Tooltip key={option} label={hint}>
          <Button
            size="compact-xs"
            variant={tool === option ? 'filled' : 'default'}
            aria-pressed={tool === option}
            disabled={option !== 'select' && !hasMasks}
            onClick={() => segment.edits.setTool(option)}
          >
            {label} ({key})
          </Button>
        </Tooltip>
      ))}
      {tool === 'erase' && (
        <Text size="xs" c="gray.3" data-testid="brush-size">
          Brush {brushSize} px ([ ])
        </Text>
      )}
    </Group>
  );
}
