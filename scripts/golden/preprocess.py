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

Decoding (test/image/decode.test.ts): small encoded files in the layouts the datasets contain, written
by PIL to test/image/golden/decode/, and every pixel of `Image.open(f).convert('RGB')` (the upstream
loaders' call) in test/image/golden/decode.json: a CMYK JPEG (Pillow's plain cmyk2rgb, no profile),
a palette PNG with a transparent index, LA and RGBA PNGs (alpha dropped, colour underneath kept),
16-bit greyscale (mode I: clipped) and 16-bit RGB PNGs, and a JPEG with EXIF orientation 6 (not
rotated; the `exif_transpose` result is recorded for the exifRotate option).
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


DECODE_DIR = os.path.join(os.path.dirname(OUT), 'decode')
DECODE_OUT = os.path.join(os.path.dirname(OUT), 'decode.json')


def decode_pattern(w, h, channels, mod=256, mul=1):
    y, x = np.mgrid[0:h, 0:w]
    return np.stack([((x * 37 + y * 11 + k * 53) * mul) % mod for k in range(channels)], -1)


def write_png_rgb16(path, a):
    """PIL has no 16-bit RGB mode to save from, so the PNG is written by hand (one IDAT, filter 0)."""
    import struct
    import zlib
    h, w, _ = a.shape
    raw = b''.join(b'\x00' + a[y].astype('>u2').tobytes() for y in range(h))
    chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 16, 2, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def decode_cases():
    from PIL import ImageOps
    os.makedirs(DECODE_DIR, exist_ok=True)
    w, h = 23, 17
    path = lambda name: os.path.join(DECODE_DIR, name)
    Image.fromarray(decode_pattern(w, h, 4).astype(np.uint8), 'CMYK').save(path('cmyk.jpg'), quality=95)
    pal = Image.fromarray((decode_pattern(w, h, 1)[..., 0] % 16).astype(np.uint8), 'L').convert('P')
    pal.putpalette([v for i in range(256) for v in ((i * 67) % 256, (i * 131) % 256, (i * 199) % 256)])
    pal.save(path('palette.png'), transparency=3)
    Image.fromarray(decode_pattern(w, h, 2).astype(np.uint8), 'LA').save(path('la.png'))
    Image.fromarray(decode_pattern(w, h, 4).astype(np.uint8), 'RGBA').save(path('rgba.png'))
    Image.fromarray(decode_pattern(w, h, 1, 65536, 97)[..., 0].astype(np.uint16), 'I;16').save(path('gray16.png'))
    write_png_rgb16(path('rgb16.png'), decode_pattern(w, h, 3, 65536, 211))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    Image.fromarray(decode_pattern(w, h, 3).astype(np.uint8), 'RGB').save(path('exif6.jpg'), quality=95, exif=exif.tobytes())
    cases = []
    for name, rotate in [('cmyk.jpg', False), ('palette.png', False), ('la.png', False), ('rgba.png', False),
                         ('gray16.png', False), ('rgb16.png', False), ('exif6.jpg', False), ('exif6.jpg', True)]:
        im = Image.open(path(name))
        mode = im.mode
        if rotate:
            im = ImageOps.exif_transpose(im)
        rgb = np.asarray(im.convert('RGB'))
        cases.append({'file': name, 'mode': mode, 'exifRotate': rotate, 'width': int(rgb.shape[1]), 'height': int(rgb.shape[0]),
                      'rgb': base64.b64encode(rgb.astype(np.uint8).tobytes()).decode('ascii')})
    return cases


def main():
    write_decode_golden()
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


def write_decode_golden():
    import PIL
    doc = {'generator': 'scripts/golden/preprocess.py', 'pil': PIL.__version__, 'call': "Image.open(f).convert('RGB')",
           'cases': decode_cases()}
    with open(DECODE_OUT, 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    print(f'wrote {os.path.normpath(DECODE_OUT)} ({len(doc["cases"])} cases) and {os.path.normpath(DECODE_DIR)}/')


if __name__ == '__main__':
    main()
