# Official Cellpose 3.0.11 under CellDesk's benchmark protocol (src/engine/bench/protocol.ts, [Note: benchmark
# protocol]): square centre crops placed as CellDesk places them, then the full image; the model loaded once; a
# warm-up on the smallest crop, not counted; each sample is SizeModel.eval (diameter estimation) followed by
# CellposeModel.eval at that diameter, as ../shared/reference/official-timings-cpu.json was measured. Run by
# run-on-device.sh with the machine's own Python (PyTorch, CUDA) and the official source on PYTHONPATH; one plan,
# given as JSON, covers every image on one device. The results file is rewritten after every sample, so a run cut
# short by its time budget still reports what it measured; sizes not started before the deadline are listed as
# skipped.
import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--plan', required=True, help='JSON: device, threads, iterations, deadline_s, checkpoint, '
                        'size_model, images [{name, path, channels, sizes}]')
    parser.add_argument('--out', required=True, help='results JSON, rewritten after every sample')
    return parser.parse_args()


def sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def load_image(path):
    import numpy as np
    from cellpose import io
    # CellDesk writes the synthetic benchmark image as an .npy of [height, width, channels] float32.
    return np.load(path) if path.endswith('.npy') else io.imread(path)


def centre_crop(image, size):
    """The crop CellDesk's planCrops makes: floor-centred squares, or the whole image."""
    height, width = image.shape[:2]
    if size == 'full':
        return image
    if size > width or size > height:
        raise ValueError(f'crop {size} does not fit {width} x {height}')
    left, top = (width - size) // 2, (height - size) // 2
    return image[top:top + size, left:left + size]


def write(path, document):
    partial = path + '.partial'
    with open(partial, 'w') as f:
        json.dump(document, f, indent=1)
    os.replace(partial, path)


def main():
    args = parse_args()
    plan = json.loads(args.plan)
    started = time.perf_counter()
    deadline = started + float(plan.get('deadline_s', 1e9))
    threads = int(plan.get('threads') or os.cpu_count() or 1)

    import numpy as np
    import torch
    torch.set_num_threads(threads)
    from cellpose import models
    import_s = time.perf_counter() - started

    use_gpu = plan['device'] == 'cuda'
    if use_gpu and not torch.cuda.is_available():
        raise SystemExit('official Cellpose: CUDA was asked for but torch.cuda.is_available() is False')
    sync = torch.cuda.synchronize if use_gpu else (lambda: None)

    document = {
        'what': 'official Cellpose 3.0.11 under the CellDesk benchmark protocol',
        'cellpose': '3.0.11 (official source from ../shared/third_party, with its fastremap and roifile shims)',
        'device': plan['device'],
        'gpu': torch.cuda.get_device_name(0) if use_gpu else None,
        'torch': torch.__version__,
        'cuda': torch.version.cuda,
        'cudnn': torch.backends.cudnn.version() if use_gpu else None,
        'threads': torch.get_num_threads(),
        'python': platform.python_version(),
        'numpy': np.__version__,
        'cpu': platform.processor() or platform.machine(),
        'cpuCount': os.cpu_count(),
        'checkpoint': {'path': os.path.basename(plan['checkpoint']), 'sha256': sha256(plan['checkpoint'])},
        'iterations': plan['iterations'],
        'deadlineS': plan.get('deadline_s'),
        'importS': import_s,
        'status': 'running',
        'images': [],
    }
    load_started = time.perf_counter()
    cp = models.CellposeModel(gpu=use_gpu, pretrained_model=plan['checkpoint'], diam_mean=30.)
    size_model = models.SizeModel(cp, pretrained_size=plan['size_model'])
    document['modelLoadS'] = time.perf_counter() - load_started
    write(args.out, document)

    def segment(crop, channels):
        """One sample: diameter estimation, then the segmentation at that diameter; seconds of each."""
        sync()
        t0 = time.perf_counter()
        diam, diam_style = size_model.eval(crop, channels=channels)
        sync()
        t1 = time.perf_counter()
        masks, _, _ = cp.eval(crop, channels=channels, diameter=diam)
        sync()
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1, float(diam), float(diam_style), int(masks.max())

    seconds_per_pixel = []

    def fits(crop):
        """Whether a sample of this crop should end before the deadline, judged by the fastest rate seen so far."""
        predicted = min(seconds_per_pixel, default=0.0) * crop.shape[0] * crop.shape[1]
        return time.perf_counter() + predicted <= deadline

    try:
        for spec in plan['images']:
            image = load_image(spec['path'])
            channels = list(spec['channels'])
            entry = {'name': spec['name'], 'file': os.path.basename(spec['path']), 'sha256': sha256(spec['path']),
                     'shape': list(image.shape), 'channels': channels, 'results': [], 'skipped': []}
            document['images'].append(entry)
            sizes = [s if s == 'full' else int(s) for s in spec['sizes']]
            if time.perf_counter() > deadline:
                entry['skipped'] = [str(s) for s in sizes]
                continue
            smallest = min(sizes, key=lambda s: image.shape[0] * image.shape[1] if s == 'full' else s * s)
            size_s, segment_s, *_ = segment(centre_crop(image, smallest), channels)
            entry['warmupS'] = size_s + segment_s
            write(args.out, document)
            for size in sizes:
                crop = centre_crop(image, size)
                if not fits(crop):
                    entry['skipped'].append(str(size))
                    continue
                row = {'size': str(size), 'shape': list(crop.shape[:2]), 'times_s': [], 'sizeModel_s': [],
                       'segment_s': []}
                entry['results'].append(row)
                for _ in range(plan['iterations']):
                    if row['times_s'] and not fits(crop):
                        break
                    size_s, segment_s, diam, diam_style, masks = segment(crop, channels)
                    row['times_s'].append(size_s + segment_s)
                    seconds_per_pixel.append((size_s + segment_s) / (crop.shape[0] * crop.shape[1]))
                    row['sizeModel_s'].append(size_s)
                    row['segment_s'].append(segment_s)
                    row.update(diam=diam, diam_style=diam_style, masks=masks,
                               mean_s=statistics.fmean(row['times_s']),
                               sd_s=statistics.stdev(row['times_s']) if len(row['times_s']) > 1 else None)
                    write(args.out, document)
                    print(f"official {plan['device']} {spec['name']} {size}: {row['times_s'][-1]:.2f} s "
                          f"(size model {size_s:.2f} s), diameter {diam:.1f}, {masks} masks", flush=True)
        document['status'] = 'completed'
    except KeyboardInterrupt:
        document['status'] = 'cut at its time budget'
    document['totalS'] = time.perf_counter() - started
    write(args.out, document)


if __name__ == '__main__':
    sys.exit(main())
