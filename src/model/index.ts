export * from './operations.ts';
export * from './units.ts';
export * from './properties.ts';
export * from './crops.ts';
