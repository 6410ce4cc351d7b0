// The image viewer: the image and its mask overlay drawn on one canvas, with wheel zoom about the cursor, drag to
// pan, click (shift-click) to select masks, the draw and erase tools, Fit and 1:1, and drop-a-file to open. Renderer.
//
// [Note: viewer layers] The image and the overlay are each rendered once, at image size, into canvases kept off
// screen, only when their inputs change (display ranges; masks, selection, overlay options). A pan or zoom then
// redraws the visible canvas from those two with one transformed drawImage each, in a requestAnimationFrame, so
// moving around costs the same whatever the number of masks. Pixels are drawn unsmoothed, one block per pixel.
// A third layer, the network output (flows or cell probability), is drawn opaque over the image and under the masks
// when shown, as Cellpose's GUI shows it in place of the image.
//
// [Note: editing tools] A stroke of the draw or erase tool is drawn as a path over the layers while the pointer
// moves, and becomes one edit when the pointer is released or leaves the viewer, so a tool never stays half-way in
// a stroke, and a stroke is one undo step. As in Cellpose, a right-button drag draws a mask whatever the tool. The
// middle button, or the left with the space bar held, pans with any tool; Escape during a stroke drops it, and
// otherwise returns to selecting.
import { ActionIcon, Group, Text, Tooltip } from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type DragEvent, type PointerEvent } from 'react';
import { maskAnchors, type MaskAnchor } from '../../../shared/viewer/maskNumbers';
import { renderNetworkLayer } from '../../../shared/viewer/networkLayer';
import { renderImage, renderOverlay } from '../../../shared/viewer/rendering';
import { actualSizeViewport, centreOn, fitViewport, panBy, toImagePoint, zoomAt, type Viewport } from '../../../shared/viewer/viewport';
import type { SegmentModel } from '../model/segment/segmentModel';
import { spaceBelongsToControl } from '../keyboard';
import { useStore } from '../useStore';
import { drawMaskNumbers } from './maskNumberText';
import { ToolBar } from './ToolBar';

/** Pointer travel (CSS pixels) below which a press is a click, not a drag. */
const CLICK_SLOP = 4;
const BACKGROUND = '#1b1d21';
/** Screen pixels the pointer must move before a stroke records another point. */
const STROKE_STEP = 2;
const DRAW_COLOUR = '#ffe066';
const ERASE_COLOUR = 'rgba(255, 90, 90, 0.45)';

/** A stroke of the draw or erase tool in progress: its path in image coordinates. */
interface Stroke {
  kind: 'draw' | 'erase';
  points: number[];
  lastScreen: [number, number];
}

function layerCanvas(): HTMLCanvasElement {
  return document.createElement('canvas');
}

/** `active`: shown (the Segment view stays mounted behind the other views); the space bar pans only then. */
export function Viewer({ segment, active }: { segment: SegmentModel; active: boolean }) {
  const { store } = segment;
  const pixels = useStore(store, (s) => s.pixels);
  const ranges = useStore(store, (s) => s.displayRanges);
  const channelVisible = useStore(store, (s) => s.channelVisible);
  const segmentation = useStore(store, (s) => s.segmentation);
  const masksVersion = useStore(store, (s) => s.masksVersion);
  const overlay = useStore(store, (s) => s.overlay);
  const selected = useStore(store, (s) => s.selected);
  const focus = useStore(store, (s) => s.focus);
  const networkOutput = useStore(store, (s) => s.networkOutput);
  const viewRequest = useStore(store, (s) => s.viewRequest);
  const tool = useStore(store, (s) => s.tool);
  const brushSize = useStore(store, (s) => s.brushSize);

  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const imageLayer = useRef<HTMLCanvasElement>(layerCanvas());
  const overlayLayer = useRef<HTMLCanvasElement>(layerCanvas());
  const overlayPixels = useRef<ImageData | null>(null);
  const networkLayer = useRef<HTMLCanvasElement>(layerCanvas());
  const hasNetworkLayer = useRef(false);
  const view = useRef<Viewport>({ scale: 1, offsetX: 0, offsetY: 0 });
  const hasOverlay = useRef(false);
  /** Where each mask's number goes, while numbers are shown (see [Note: mask numbers]). */
  const numberAnchors = useRef<MaskAnchor[]>([]);
  /** Whether the view is fitted and should stay so as the viewer changes size; any pan or zoom ends it. */
  const fitted = useRef(false);
  const frame = useRef<number | null>(null);
  const press = useRef<{ x: number; y: number; dragged: boolean } | null>(null);
  const stroke = useRef<Stroke | null>(null);
  /** The image point under the pointer, for the brush outline. */
  const hover = useRef<[number, number] | null>(null);
  const [spaceHeld, setSpaceHeld] = useState(false);
  const [zoom, setZoom] = useState(1);
  const [dropping, setDropping] = useState(false);

  /** The stroke in progress and the brush outline, over the layers, in image coordinates. */
  const drawToolPaths = useCallback(
    (context: CanvasRenderingContext2D, scale: number) => {
      const current = stroke.current;
      const { tool: activeTool, brushSize: size } = store.get();
      context.lineCap = 'round';
      context.lineJoin = 'round';
      if (current !== null && current.points.length >= 2) {
        context.beginPath();
        context.moveTo(current.points[0]!, current.points[1]!);
        for (let p = 2; p < current.points.length; p += 2) context.lineTo(current.points[p]!, current.points[p + 1]!);
        if (current.kind === 'draw') {
          context.closePath();
          context.strokeStyle = DRAW_COLOUR;
          context.lineWidth = 1.5 / scale;
        } else {
          context.strokeStyle = ERASE_COLOUR;
          context.lineWidth = size;
        }
        context.stroke();
      }
      if (activeTool === 'erase' && hover.current !== null) {
        context.beginPath();
        context.arc(hover.current[0], hover.current[1], size / 2, 0, 2 * Math.PI);
        context.strokeStyle = '#ffffff';
        context.lineWidth = 1 / scale;
        context.stroke();
      }
    },
    [store],
  );

  const draw = useCallback(() => {
    const canvas = canvasRef.current;
    const container = containerRef.current;
    if (canvas === null || container === null) return;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(container.clientWidth * ratio);
    const height = Math.round(container.clientHeight * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const context = canvas.getContext('2d');
    if (context === null) return;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = BACKGROUND;
    context.fillRect(0, 0, width, height);
    if (store.get().pixels === null) return;
    const { scale, offsetX, offsetY } = view.current;
    context.setTransform(scale * ratio, 0, 0, scale * ratio, offsetX * ratio, offsetY * ratio);
    context.imageSmoothingEnabled = false;
    context.drawImage(imageLayer.current, 0, 0);
    if (hasNetworkLayer.current) context.drawImage(networkLayer.current, 0, 0);
    if (hasOverlay.current) context.drawImage(overlayLayer.current, 0, 0);
    drawToolPaths(context, scale);
    const numbers = numberAnchors.current.length === 0 ? 0 : drawMaskNumbers(context, numberAnchors.current, view.current, container.clientWidth, container.clientHeight, ratio);
    canvas.dataset['maskNumbers'] = String(numbers);
    canvas.dataset['scale'] = String(scale);
    canvas.dataset['offsetX'] = String(offsetX);
    canvas.dataset['offsetY'] = String(offsetY);
    setZoom(scale);
  }, [store, drawToolPaths]);

  const requestDraw = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      draw();
    });
  }, [draw]);

  const setView = useCallback(
    (next: Viewport, keepsFit = false) => {
      view.current = next;
      fitted.current = keepsFit;
      requestDraw();
    },
    [requestDraw],
  );

  const fit = useCallback(() => {
    const container = containerRef.current;
    const current = store.get().pixels;
    if (container === null || current === null) return;
    setView(fitViewport(current.width, current.height, container.clientWidth, container.clientHeight), true);
  }, [setView, store]);

  const actualSize = useCallback(() => {
    const container = containerRef.current;
    const current = store.get().pixels;
    if (container === null || current === null) return;
    setView(actualSizeViewport(current.width, current.height, container.clientWidth, container.clientHeight));
  }, [setView, store]);

  // A new image: its own layer size, fitted to the view. Another plane of the same image keeps the view where it is.
  const fittedImage = useRef<string | null>(null);
  useEffect(() => {
    if (pixels === null) return;
    for (const layer of [imageLayer.current, overlayLayer.current, networkLayer.current]) {
      layer.width = pixels.width;
      layer.height = pixels.height;
    }
    const imageId = store.get().image?.imageId ?? null;
    if (fittedImage.current === imageId) return;
    fittedImage.current = imageId;
    fit();
  }, [pixels, fit, store]);

  useEffect(() => {
    if (pixels === null || ranges.length !== pixels.channels) return;
    const context = imageLayer.current.getContext('2d');
    if (context === null) return;
    const data = context.createImageData(pixels.width, pixels.height);
    renderImage(pixels, ranges, channelVisible, data.data);
    context.putImageData(data, 0, 0);
    requestDraw();
  }, [pixels, ranges, channelVisible, requestDraw]);

  useEffect(() => {
    hasOverlay.current = segmentation !== null;
    if (segmentation !== null) {
      const layer = overlayLayer.current;
      const context = layer.getContext('2d');
      if (context === null || layer.width !== segmentation.width || layer.height !== segmentation.height) return;
      // One image-sized buffer kept from update to update (renderOverlay writes every pixel): a fresh one per
      // re-threshold costs more than drawing into it.
      if (overlayPixels.current?.width !== segmentation.width || overlayPixels.current.height !== segmentation.height) {
        overlayPixels.current = context.createImageData(segmentation.width, segmentation.height);
      }
      const data = overlayPixels.current;
      renderOverlay(segmentation.labels, segmentation.outlines, { ...overlay, selected }, data.data);
      context.putImageData(data, 0, 0);
    }
    requestDraw();
  }, [segmentation, masksVersion, overlay, selected, requestDraw]);

  useEffect(() => {
    numberAnchors.current = overlay.showNumbers && segmentation !== null ? maskAnchors(segmentation.labels, segmentation.width) : [];
    requestDraw();
  }, [segmentation, masksVersion, overlay.showNumbers, requestDraw]);

  useEffect(requestDraw, [tool, brushSize, requestDraw]);

  // Space held: the left button pans whatever the tool. Escape during a stroke drops the stroke and nothing else
  // (this listener is added before the view's shortcuts, whose Escape would also leave the tool).
  useEffect(() => {
    const down = (event: KeyboardEvent) => {
      if (active && event.key === 'Escape' && stroke.current !== null) {
        event.stopImmediatePropagation();
        stroke.current = null;
        segment.edits.strokeCancelled();
        requestDraw();
        return;
      }
      if (!active || event.key !== ' ' || spaceBelongsToControl(event.target)) return;
      event.preventDefault();
      setSpaceHeld(true);
    };
    const up = (event: KeyboardEvent) => {
      if (event.key === ' ') setSpaceHeld(false);
    };
    const release = () => setSpaceHeld(false);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', release);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', release);
    };
  }, [active, segment, requestDraw]);

  useEffect(() => {
    const shown = overlay.network;
    const layer = networkLayer.current;
    hasNetworkLayer.current = false;
    if (shown !== 'none' && networkOutput !== null && layer.width === networkOutput.width && layer.height === networkOutput.height) {
      const context = layer.getContext('2d');
      if (context !== null) {
        const data = context.createImageData(networkOutput.width, networkOutput.height);
        renderNetworkLayer(networkOutput, shown, data.data);
        context.putImageData(data, 0, 0);
        hasNetworkLayer.current = true;
      }
    }
    requestDraw();
  }, [networkOutput, overlay.network, requestDraw]);

  // Menu commands for the view (View > Fit, Actual Size).
  useEffect(() => {
    if (viewRequest?.kind === 'fit') fit();
    else if (viewRequest?.kind === 'actual-size') actualSize();
  }, [viewRequest, fit, actualSize]);

  useEffect(() => {
    const container = containerRef.current;
    if (focus === null || container === null) return;
    setView(centreOn(view.current, focus.x, focus.y, container.clientWidth, container.clientHeight));
  }, [focus, setView]);

  useEffect(() => {
    const container = containerRef.current;
    const canvas = canvasRef.current;
    if (container === null || canvas === null) return;
    const resize = new ResizeObserver(() => (fitted.current ? fit() : requestDraw()));
    resize.observe(container);
    const wheel = (event: WheelEvent) => {
      event.preventDefault();
      const box = canvas.getBoundingClientRect();
      const steps = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? event.deltaY / 3 : event.deltaY / 100;
      setView(zoomAt(view.current, Math.pow(1.2, -steps), event.clientX - box.left, event.clientY - box.top));
    };
    canvas.addEventListener('wheel', wheel, { passive: false });
    return () => {
      resize.disconnect();
      canvas.removeEventListener('wheel', wheel);
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [requestDraw, setView, fit]);

  const imagePoint = (event: PointerEvent<HTMLCanvasElement>): [number, number] => {
    const box = event.currentTarget.getBoundingClientRect();
    return toImagePoint(view.current, event.clientX - box.left, event.clientY - box.top);
  };

  /** Ends the stroke in progress as one edit (see [Note: editing tools]). */
  const finishStroke = () => {
    const current = stroke.current;
    stroke.current = null;
    if (current === null) return;
    if (current.kind === 'draw') segment.edits.drawOutline(current.points);
    else segment.edits.eraseAlong(current.points);
    requestDraw();
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    const pans = event.button === 1 || (event.button === 0 && (spaceHeld || tool === 'select'));
    const strokeKind = event.button === 2 ? 'draw' : event.button === 0 && tool !== 'select' ? tool : null;
    if (pans) {
      event.preventDefault();
      event.currentTarget.setPointerCapture(event.pointerId);
      // A middle-button or space drag is a pan from the start, never a click.
      press.current = { x: event.clientX, y: event.clientY, dragged: event.button !== 0 || spaceHeld };
    } else if (strokeKind !== null && store.get().segmentation !== null) {
      // No pointer capture: leaving the viewer ends the stroke.
      stroke.current = { kind: strokeKind, points: [...imagePoint(event)], lastScreen: [event.clientX, event.clientY] };
      requestDraw();
    } else if (strokeKind === 'draw') {
      segment.edits.drawOutline([]);
    }
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    hover.current = imagePoint(event);
    const currentStroke = stroke.current;
    if (currentStroke !== null) {
      const [lastX, lastY] = currentStroke.lastScreen;
      if (Math.hypot(event.clientX - lastX, event.clientY - lastY) >= STROKE_STEP) {
        currentStroke.points.push(...hover.current);
        currentStroke.lastScreen = [event.clientX, event.clientY];
      }
      requestDraw();
      return;
    }
    if (tool === 'erase') requestDraw();
    const current = press.current;
    if (current === null) return;
    if (!current.dragged && Math.hypot(event.clientX - current.x, event.clientY - current.y) < CLICK_SLOP) return;
    current.dragged = true;
    setView(panBy(view.current, event.movementX, event.movementY));
  };
  const onPointerUp = (event: PointerEvent<HTMLCanvasElement>) => {
    if (stroke.current !== null) {
      stroke.current.points.push(...imagePoint(event));
      finishStroke();
      return;
    }
    const current = press.current;
    press.current = null;
    if (current === null || current.dragged) return;
    const [x, y] = imagePoint(event);
    segment.edits.selectAt(x, y, event.shiftKey);
  };
  const onPointerLeave = () => {
    hover.current = null;
    finishStroke();
    requestDraw();
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDropping(false);
    const file = event.dataTransfer.files[0];
    if (file !== undefined) void segment.images.openDropped(file);
  };

  return (
    <div
      className={dropping ? 'viewer viewer-dropping' : 'viewer'}
      ref={containerRef}
      onDragOver={(event) => {
        event.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={onDrop}
    >
      <canvas
        ref={canvasRef}
        className={`viewer-canvas viewer-tool-${spaceHeld ? 'pan' : tool}`}
        aria-label="Image viewer"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={onPointerLeave}
        onPointerCancel={onPointerLeave}
        onContextMenu={(event) => event.preventDefault()}
      />
      {pixels === null ? (
        <div className="viewer-empty">
          <Text c="dimmed">Open an image, or drop a TIFF, PNG or JPEG file (or a Cellpose _seg.npy) here.</Text>
        </div>
      ) : (
        <ToolBar segment={segment} />
      )}
      {pixels !== null && (
        <Group className="viewer-tools" gap={6}>
          <Text size="xs" c="gray.3" aria-label="Zoom">
            {Math.round(zoom * 100)}%
          </Text>
          <Tooltip label="Fit the image to the view">
            <ActionIcon variant="filled" color="dark" aria-label="Fit" onClick={fit}>
              ⤢
            </ActionIcon>
          </Tooltip>
          <Tooltip label="One image pixel per screen pixel">
            <ActionIcon variant="filled" color="dark" aria-label="Actual size" onClick={actualSize}>
              1:1
            </ActionIcon>
          </Tooltip>
        </Group>
      )}
    </div>
  );
}
