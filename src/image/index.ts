export { DEFAULT_MAX_PIXELS, imageName, loadImage } from './load.ts';
export { centerCrop, crop, divideToTiles, normalizeToCHW, padToSquare, pasteOnCanvas, resizeBicubic, resizeSharpCubic, resizeShortestEdge, type Resize, type Rgb } from './ops.ts';
export type { RawImage } from './raw.ts';
export { resizePilBicubic } from './resample.ts';
