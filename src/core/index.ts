export * from './errors.ts';
export * from './request.ts';
export * from './response.ts';
export * from './backend.ts';
export * from './record.ts';
export * from './suite.ts';
export * from './backend-module.ts';
