// The pixel size in micrometres: read from the file's metadata or typed, it shows the diameter and the measurements
// in µm beside pixels. Renderer.
import { NumberInput } from '@mantine/core';
import type { SegmentModel } from '../model/segment/segmentModel';
import { formatMicrometres, micrometres } from '../model/segment/units';
import { useStore } from '../useStore';

export function PixelSizeField({ segment }: { segment: SegmentModel }) {
  const hasImage = useStore(segment.store, (s) => s.image !== null);
  const size = useStore(segment.store, (s) => s.pixelSize);
  if (!hasImage) return null;
  return (
    <NumberInput
      size="xs"
      label="Pixel size (µm)"
      description={size === null ? 'Not in the file: type it to see sizes in µm.' : size.fromFile ? 'From the file.' : 'Typed.'}
      min={0}
      step={0.01}
      decimalScale={5}
      value={size?.x ?? ''}
      onChange={(value) => segment.units.setPixelSize(typeof value === 'number' ? value : null)}
    />
  );
}

/** "≈ 3.71 µm" for a length in pixels, once the pixel size is known; undefined until then. */
export function useMicrometres(segment: SegmentModel, pixels: number | null): string | undefined {
  const size = useStore(segment.store, (s) => s.pixelSize);
  return size === null || pixels === null ? undefined : `≈ ${formatMicrometres(micrometres(pixels, size))}`;
}
