// The image viewer: the image and its mask overlay drawn on one canvas, with wheel zoom about the cursor, drag to
// pan, click (shift-click) to select masks, Fit and 1:1, and drop-a-file to open. Renderer.
//
// [Note: viewer layers] The image and the overlay are each rendered once, at image size, into canvases kept off
// screen, only when their inputs change (display ranges; masks, selection, overlay options). A pan or zoom then
// redraws the visible canvas from those two with one transformed drawImage each, in a requestAnimationFrame, so
// moving around costs the same whatever the number of masks. Pixels are drawn unsmoothed, one block per pixel.
// A third layer, the network output (flows or cell probability), is drawn opaque over the image and under the masks
// when shown, as Cellpose's GUI shows it in place of the image.
import { ActionIcon, Group, Text, Tooltip } from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type DragEvent, type PointerEvent } from 'react';
import { renderNetworkLayer } from '../../../shared/viewer/networkLayer';
import { renderImage, renderOverlay } from '../../../shared/viewer/rendering';
import { actualSizeViewport, centreOn, fitViewport, panBy, toImagePoint, zoomAt, type Viewport } from '../../../shared/viewer/viewport';
import type { Workbench } from '../model/workbench';
import { useStore } from '../useStore';

/** Pointer travel (CSS pixels) below which a press is a click, not a drag. */
const CLICK_SLOP = 4;
const BACKGROUND = '#1b1d21';

function layerCanvas(): HTMLCanvasElement {
  return document.createElement('canvas');
}

export function Viewer({ workbench }: { workbench: Workbench }) {
  const { store } = workbench;
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

  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const imageLayer = useRef<HTMLCanvasElement>(layerCanvas());
  const overlayLayer = useRef<HTMLCanvasElement>(layerCanvas());
  const networkLayer = useRef<HTMLCanvasElement>(layerCanvas());
  const hasNetworkLayer = useRef(false);
  const view = useRef<Viewport>({ scale: 1, offsetX: 0, offsetY: 0 });
  const hasOverlay = useRef(false);
  /** Whether the view is fitted and should stay so as the viewer changes size; any pan or zoom ends it. */
  const fitted = useRef(false);
  const frame = useRef<number | null>(null);
  const press = useRef<{ x: number; y: number; dragged: boolean } | null>(null);
  const [zoom, setZoom] = useState(1);
  const [dropping, setDropping] = useState(false);

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
    canvas.dataset['scale'] = String(scale);
    canvas.dataset['offsetX'] = String(offsetX);
    canvas.dataset['offsetY'] = String(offsetY);
    setZoom(scale);
  }, [store]);

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

  // A new image: its own layer size, fitted to the view.
  useEffect(() => {
    if (pixels === null) return;
    for (const layer of [imageLayer.current, overlayLayer.current, networkLayer.current]) {
      layer.width = pixels.width;
      layer.height = pixels.height;
    }
    fit();
  }, [pixels, fit]);

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
      const data = context.createImageData(segmentation.width, segmentation.height);
      renderOverlay(segmentation.labels, segmentation.outlines, { ...overlay, selected }, data.data);
      context.putImageData(data, 0, 0);
    }
    requestDraw();
  }, [segmentation, masksVersion, overlay, selected, requestDraw]);

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

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    press.current = { x: event.clientX, y: event.clientY, dragged: false };
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const current = press.current;
    if (current === null) return;
    if (!current.dragged && Math.hypot(event.clientX - current.x, event.clientY - current.y) < CLICK_SLOP) return;
    current.dragged = true;
    setView(panBy(view.current, event.movementX, event.movementY));
  };
  const onPointerUp = (event: PointerEvent<HTMLCanvasElement>) => {
    const current = press.current;
    press.current = null;
    if (current === null || current.dragged) return;
    const box = event.currentTarget.getBoundingClientRect();
    const [x, y] = toImagePoint(view.current, event.clientX - box.left, event.clientY - box.top);
    workbench.selectAt(x, y, event.shiftKey);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDropping(false);
    const file = event.dataTransfer.files[0];
    if (file !== undefined) void file.arrayBuffer().then((buffer) => workbench.upload(file.name, new Uint8Array(buffer)));
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
        className="viewer-canvas"
        aria-label="Image viewer"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
      />
      {pixels === null ? (
        <div className="viewer-empty">
          <Text c="dimmed">Open an image, or drop a TIFF, PNG or JPEG file here.</Text>
        </div>
      ) : (
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
