// The question asked before files already there are replaced (an export, a batch): the files, Replace and Keep them.
// Renderer.
import { Alert, Button, Group, Text } from '@mantine/core';

/** How many paths are listed; the rest are counted (a batch may find hundreds). */
const LISTED = 8;

export function ReplaceFilesQuestion({ paths, onReplace, onKeep }: { paths: readonly string[]; onReplace: () => void; onKeep: () => void }) {
  const more = paths.length - LISTED;
  return (
    <Alert color="orange" title="Replace files?" aria-label="Replace files">
      <Text size="sm">{paths.length === 1 ? 'This file is there already:' : 'These files are there already:'}</Text>
      {paths.slice(0, LISTED).map((path) => (
        <Text key={path} size="xs" ff="monospace">
          {path}
        </Text>
      ))}
      {more > 0 && <Text size="xs">and {more} more</Text>}
      <Group gap="xs" mt="xs">
        <Button size="xs" color="orange" onClick={onReplace}>
          Replace
        </Button>
        <Button size="xs" variant="default" onClick={onKeep}>
          Keep them
        </Button>
      </Group>
    </Alert>
  );
}
