// The export dialog: formats (a stack's: those that hold every plane), folder, how label images number the masks, a confirmation before files already there
// are replaced, and in the browser mode a download of each written file to the browser's computer. Renderer.
import { Anchor, Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { EXPORT_FORMATS, STACK_EXPORT_FORMATS, type ExportFormat, type ExportResult } from '../../../shared/contract';
import type { SegmentModel } from '../model/segment/segmentModel';
import { useStore } from '../useStore';
import { ReplaceFilesQuestion } from './ReplaceFilesQuestion';
import { fileNameOf } from '../wording';

const FORMAT_LABELS: Readonly<Record<ExportFormat, string>> = {
  'labels-tiff': 'Label image, TIFF (_cp_masks.tif)',
  'labels-png': 'Label image, PNG (_cp_masks.png)',
  'outlines-png': 'Image with outlines, PNG (_outlines.png)',
  'imagej-rois': 'ImageJ ROIs (_rois.zip)',
  'measurements-csv': 'Measurements, CSV (_cp_measurements.csv)',
  'seg-npy': 'Cellpose session (_seg.npy)',
};

/** The files written, each a download link when its bytes came back (the browser mode). */
function WrittenFiles({ result }: { result: ExportResult }) {
  const urls = useMemo(() => result.files.map((file) => (file.bytes === undefined ? null : URL.createObjectURL(new Blob([file.bytes.slice()])))), [result]);
  useEffect(() => () => urls.forEach((url) => url !== null && URL.revokeObjectURL(url)), [urls]);
  const downloadable = urls.some((url) => url !== null);
  return (
    <Stack gap={2} aria-label="Written files">
      <Text size="sm" fw={600}>
        Written{downloadable ? ' (click a file to download it to this computer)' : ''}:
      </Text>
      {result.files.map((file, index) => {
        const url = urls[index];
        return url === null || url === undefined ? (
          <Text key={file.path} size="xs" ff="monospace">
            {file.path}
          </Text>
        ) : (
          <Anchor key={file.path} size="xs" ff="monospace" href={url} download={fileNameOf(file.path)}>
            {file.path}
          </Anchor>
        );
      })}
    </Stack>
  );
}

/** Files already there: replace them or keep them (see MaskExports.replaceExisting). */
export function ReplaceConfirmation({ segment }: { segment: SegmentModel }) {
  const conflict = useStore(segment.store, (s) => s.exportConflict);
  if (conflict === null) return null;
  return <ReplaceFilesQuestion paths={conflict.paths} onReplace={() => void segment.exports.replaceExisting()} onKeep={() => segment.exports.keepExisting()} />;
}

export function ExportDialog({ segment, opened, onClose }: { segment: SegmentModel; opened: boolean; onClose: () => void }) {
  const isStack = useStore(segment.store, (s) => (s.stack?.planes ?? 1) > 1);
  const exportFolder = useStore(segment.store, (s) => s.image?.exportFolder ?? '');
  const lastExport = useStore(segment.store, (s) => s.lastExport);
  const exporting = useStore(segment.store, (s) => s.activity.kind === 'exporting');
  const [formats, setFormats] = useState<ExportFormat[]>([...EXPORT_FORMATS]);
  const [folder, setFolder] = useState('');
  const [keepNumbers, setKeepNumbers] = useState(false);
  useEffect(() => {
    if (opened) setFolder(exportFolder);
  }, [opened, exportFolder]);
  return (
    // lockScroll off: its scroll lock injects a <style> element, which the page's Content-Security-Policy forbids.
    <Modal opened={opened} onClose={onClose} title="Export masks" size="lg" lockScroll={false}>
      <Stack gap="sm">
        <Checkbox.Group label="Files to write" value={formats} onChange={(value) => setFormats(value as ExportFormat[])}>
          <Stack gap={6} mt={6}>
            {EXPORT_FORMATS.map((format) => (
              <Checkbox key={format} value={format} label={FORMAT_LABELS[format]} disabled={isStack && !STACK_EXPORT_FORMATS.includes(format)} />
            ))}
          </Stack>
        </Checkbox.Group>
        {isStack && (
          <Text size="xs" c="dimmed">
            A stack is written whole: a multi-page label TIFF and a session file of [planes, height, width] masks. The other files hold one plane.
          </Text>
        )}
        <Checkbox
          label="Keep the mask numbers shown here (label images are otherwise numbered 1 to N without gaps, as the Cellpose GUI does)"
          checked={keepNumbers}
          onChange={(event) => setKeepNumbers(event.currentTarget.checked)}
        />
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <TextInput label="Folder" value={folder} onChange={(event) => setFolder(event.currentTarget.value)} style={{ flex: 1 }} />
          {segment.environment === 'desktop' && (
            <Button variant="default" onClick={() => void segment.exports.chooseFolder(folder).then((chosen) => chosen !== null && setFolder(chosen))}>
              Choose…
            </Button>
          )}
        </Group>
        <Group justify="flex-end">
          <Button
            loading={exporting}
            disabled={formats.length === 0 || folder.trim() === ''}
            onClick={() => void segment.exports.write({ formats, folder, numbering: keepNumbers ? 'original' : 'consecutive' })}
          >
            Export
          </Button>
        </Group>
        <ReplaceConfirmation segment={segment} />
        {lastExport !== null && <WrittenFiles result={lastExport} />}
      </Stack>
    </Modal>
  );
}
