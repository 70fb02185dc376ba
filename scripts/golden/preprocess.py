#!/usr/bin/python3
"""Golden preprocessing tensors from PIL + numpy, for test/image/parity.test.ts.

Run with Debian's python3 (it has python3-pil and python3-numpy):

    /usr/bin/python3 scripts/golden/preprocess.py

It re-creates the reference pipelines of the upstream code without torch/transformers:
  - LLaVA-1.5 `expand2square` + CLIPImageProcessor (resize shortest edge, centre crop, rescale, normalise)
  - LLaVA v1 CLIPImageProcessor at 224 (resize shortest edge + centre crop)
  - TinyLLaVA pad (127) + SiglipImageProcessor (resize to 384x384)
  - VILA1.5 `image.resize((384, 384))` + SigLIP normalisation
  - LLaVA-1.6 `process_anyres_image` (select_best_resolution, resize_and_pad_image, divide_to_patches,
    base image resized to 336x336)
Input images are a formula both this script and the test compute (integer arithmetic only), so no
input image is committed. Output: test/image/golden/preprocess.json with every 97th value of each
normalised CHW tile (int16, value x 1e4, base64) plus per-channel means over the whole tile.
"""
import base64
import json
import math
import os

import numpy as np
from PIL import Image

CLIP_MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
CLIP_STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
SIGLIP_MEAN = np.array([0.5, 0.5, 0.5], dtype=np.float32)
SIGLIP_STD = np.array([0.5, 0.5, 0.5], dtype=np.float32)
PINPOINTS = [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]]
STRIDE = 97
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'image', 'golden', 'preprocess.json')


def pattern(w, h):
    """Must match test/image/parity.test.ts `pattern`: gradients, a checkerboard with hard edges, a diagonal."""
    y, x = np.mgrid[0:h, 0:w]
    a = np.stack([(x * 255) // (w - 1), (y * 255) // (h - 1), np.where(((x // 23) + (y // 17)) % 2 == 0, 230, 25)], axis=-1)
    a[np.abs(x - y) < 2] = 255
    return Image.fromarray(a.astype(np.uint8), 'RGB')


def expand2square(img, bg):
    w, h = img.size
    if w == h:
        return img
    if w > h:
        out = Image.new(img.mode, (w, w), bg)
        out.paste(img, (0, (w - h) // 2))
        return out
    out = Image.new(img.mode, (h, h), bg)
    out.paste(img, ((h - w) // 2, 0))
    return out


def hf_shortest_edge_resize(img, size):
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    new = (new_short, new_long) if w <= h else (new_long, new_short)
    return img.resize(new, Image.BICUBIC)


def hf_center_crop(img, size):
    w, h = img.size
    top, left = (h - size) // 2, (w - size) // 2
    return img.crop((left, top, left + size, top + size))


def normalise(img, mean, std):
    arr = (np.asarray(img, dtype=np.float64) * (1 / 255)).astype(np.float32)
    arr = (arr - mean) / std
    return arr.transpose(2, 0, 1)  # CHW


def clip_processor(img, size, mean=CLIP_MEAN, std=CLIP_STD):
    return normalise(hf_center_crop(hf_shortest_edge_resize(img, size), size), mean, std)


def siglip_processor(img, size):
    return normalise(img.resize((size, size), Image.BICUBIC), SIGLIP_MEAN, SIGLIP_STD)


def select_best_resolution(original_size, possible_resolutions):
    original_width, original_height = original_size
    best_fit, max_eff, min_waste = None, 0, float('inf')
    for width, height in possible_resolutions:
        scale = min(width / original_width, height / original_height)
        dw, dh = int(original_width * scale), int(original_height * scale)
        eff = min(dw * dh, original_width * original_height)
        waste = (width * height) - eff
        if eff > max_eff or (eff == max_eff and waste < min_waste):
            max_eff, min_waste, best_fit = eff, waste, (width, height)
    return best_fit


def resize_and_pad_image(image, target_resolution):
    ow, oh = image.size
    tw, th = target_resolution
    sw, sh = tw / ow, th / oh
    if sw < sh:
        nw, nh = tw, min(math.ceil(oh * sw), th)
    else:
        nh, nw = th, min(math.ceil(ow * sh), tw)
    resized = image.resize((nw, nh))  # PIL default resample: BICUBIC (Pillow >= 7)
    new_image = Image.new('RGB', (tw, th), (0, 0, 0))
    new_image.paste(resized, ((tw - nw) // 2, (th - nh) // 2))
    return new_image


def divide_to_patches(image, patch_size):
    w, h = image.size
    return [image.crop((j, i, j + patch_size, i + patch_size)) for i in range(0, h, patch_size) for j in range(0, w, patch_size)]


def anyres(img):
    best = select_best_resolution(img.size, PINPOINTS)
    padded = resize_and_pad_image(img, best)
    patches = [img.resize((336, 336))] + divide_to_patches(padded, 336)
    return [clip_processor(p, 336) for p in patches], best


def encode(tile):
    flat = tile.reshape(-1)
    sample = np.round(flat[::STRIDE].astype(np.float64) * 1e4).astype('<i2')
    return {
        'shape': list(tile.shape),
        'samples': base64.b64encode(sample.tobytes()).decode('ascii'),
        'channelMeans': [round(float(tile[c].astype(np.float64).mean()), 6) for c in range(3)],
    }


def main():
    wide, tall = (517, 311), (203, 347)
    cases = []
    img = pattern(*wide)
    cases.append({'name': 'llava-1.5 pad 517x311', 'family': 'llava-1.5', 'size': wide,
                  'tiles': [encode(clip_processor(expand2square(img, (122, 116, 104)), 336))]})
    cases.append({'name': 'llava-v1 resize+crop 517x311', 'family': 'llava-v1', 'size': wide,
                  'tiles': [encode(clip_processor(img, 224))]})
    cases.append({'name': 'vila resize 517x311', 'family': 'vila', 'size': wide,
                  'tiles': [encode(siglip_processor(img, 384))]})
    tiles, best = anyres(img)
    cases.append({'name': 'llava-1.6 anyres 517x311', 'family': 'llava-1.6', 'size': wide, 'bestResolution': best,
                  'tiles': [encode(t) for t in tiles]})
    big = (1024, 768)  # the benchmark's size: a 3x downscale
    cases.append({'name': 'llava-1.5 pad 1024x768', 'family': 'llava-1.5', 'size': big,
                  'tiles': [encode(clip_processor(expand2square(pattern(*big), (122, 116, 104)), 336))]})
    img = pattern(*tall)
    cases.append({'name': 'tinyllava pad 203x347', 'family': 'tinyllava', 'size': tall,
                  'tiles': [encode(siglip_processor(expand2square(img, (127, 127, 127)), 384))]})
    cases.append({'name': 'llava-1.5 pad 203x347', 'family': 'llava-1.5', 'size': tall,
                  'tiles': [encode(clip_processor(expand2square(img, (122, 116, 104)), 336))]})
    tiles, best = anyres(img)
    cases.append({'name': 'llava-1.6 anyres 203x347', 'family': 'llava-1.6', 'size': tall, 'bestResolution': best,
                  'tiles': [encode(t) for t in tiles]})
    import PIL
    doc = {'generator': 'scripts/golden/preprocess.py', 'pil': PIL.__version__, 'numpy': np.__version__,
           'stride': STRIDE, 'scale': 1e4, 'cases': cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    print(f'wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes, {sum(len(c["tiles"]) for c in cases)} tiles)')


if __name__ == '__main__':
    main()
