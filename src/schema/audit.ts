// Placeholder: filled in by its issue. Kept so schema/index.ts imports stay stable.
export {};
