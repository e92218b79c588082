// Public surface of the run viewer: the HTTP server behind `qed view` and the safe renderer.
export { startViewer } from './server.ts';
export type { Viewer, ViewerOptions } from './server.ts';
export { RunIndex } from './run-index.ts';
export type { Filters, Page, ProblemRow, SampleRow } from './run-index.ts';
export { renderMarkdown, renderPlain, renderTextWithMath } from './render.ts';
