export * from './pair.ts';
export * from './compare.ts';
export { renderComparisonText } from './render-text.ts';
export { renderComparisonMarkdown } from './render-md.ts';
export { renderComparisonHtml, comparisonSections } from './render-html.ts';
export { runDeclaredTest, mannWhitneyP, type PairedResult, type TestOptions } from './tests.ts';
