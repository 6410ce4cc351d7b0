// Picks the two network input channels from a decoded image (Cellpose's channels = [c1, c2]); pure, runs anywhere.
import { InvalidSettingError } from '../errors';
import { type PlanarImage, channelPlane, planeSize } from './image';

/** Cellpose's 1-based channel numbers: 0 = grayscale (segment) or none (nuclei), 1 = red, 2 = green, 3 = blue. */
export type ChannelChoice = readonly [segment: number, nuclei: number];

const CHANNEL_NAMES = ['red', 'green', 'blue'];

/**
 * The 2-channel image the network sees, as official `transforms.reshape` builds it (called by `convert_image`):
 * - a single-channel image becomes [gray, zeros], whatever `channels` says (as in Cellpose);
 * - c1 = 0: [mean over all channels, zeros], computed in float32 as NumPy does;
 * - otherwise [channel c1, channel c2] with zeros for c2 = 0.
 * A channel number the image lacks is refused with an error naming the channels it has.
 */
export function selectChannels(image: PlanarImage, channels: ChannelChoice): PlanarImage {
  const [segment, nuclei] = channels;
  for (const [role, value] of [['channel to segment', segment], ['nuclear channel', nuclei]] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new InvalidSettingError(`The ${role} must be 0 (none/grayscale) or a channel number from 1; got ${value}.`, {
        channels: [segment, nuclei],
      });
    }
  }
  const n = planeSize(image);
  const out = new Float32Array(2 * n);
  const result: PlanarImage = { width: image.width, height: image.height, channels: 2, data: out };
  if (image.channels === 1) {
    out.set(channelPlane(image, 0));
    return result;
  }
  if (segment === 0) {
    meanOverChannels(image, out.subarray(0, n));
    return result;
  }
  out.set(channelPlane(image, requireChannel(image, segment, channels)));
  if (nuclei > 0) out.set(channelPlane(image, requireChannel(image, nuclei, channels)), n);
  return result;
}

function requireChannel(image: PlanarImage, channel: number, channels: ChannelChoice): number {
  if (channel <= image.channels) return channel - 1;
  const available = Array.from({ length: image.channels }, (_, i) =>
    i < CHANNEL_NAMES.length ? `${i + 1} = ${CHANNEL_NAMES[i]}` : `${i + 1}`,
  ).join(', ');
  throw new InvalidSettingError(
    `Channel ${channel}${channel <= CHANNEL_NAMES.length ? ` (${CHANNEL_NAMES[channel - 1]})` : ''} was chosen, but this ` +
      `image has only ${image.channels} channels (${available}). Choose one of these, or 0 for grayscale.`,
    { channels: [channels[0], channels[1]], imageChannels: image.channels },
  );
}

/**
 * `data.mean(axis=-1)` on float32 pixels: a float32 sum over the channels, divided in float32 by their count. NumPy
 * adds the channels one after the other here (its pairwise scheme would only differ from 8 channels on, and not for
 * channel-first files, whose channel axis NumPy iterates outermost).
 */
function meanOverChannels(image: PlanarImage, target: Float32Array): void {
  const n = planeSize(image);
  target.set(channelPlane(image, 0));
  for (let c = 1; c < image.channels; c++) {
    const plane = channelPlane(image, c);
    for (let i = 0; i < n; i++) target[i] = target[i]! + plane[i]!;
  }
  for (let i = 0; i < n; i++) target[i] = target[i]! / image.channels;
}
