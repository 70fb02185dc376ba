export * from './files.ts';
export type * from './manifest.ts';
