export { DEFAULT_MAX_PIXELS, imageName, loadImage } from './load.ts';
export { centerCrop, crop, divideToTiles, normalizeToCHW, padResizeBicubic, padToSquare, pasteOnCanvas, resizeBicubic, resizeSharpCubic, resizeShortestEdge, squareCanvas, type Resize, type Rgb } from './ops.ts';
export type { RawImage } from './raw.ts';
export { resizeCanvasPilBicubic, resizePilBicubic, type Canvas } from './resample.ts';
export { validateImages, ValidatedCache, withImageValidation } from './validate.ts';
