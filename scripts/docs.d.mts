// Types for scripts/docs.mjs, for the test that keeps the generated documentation fresh.
export function actionTables(actionYml: string): { inputs: string; outputs: string };
export function stepTables(schemaJson: string): string;
export function replaceBetween(text: string, name: string, content: string): string;
export function generatedDocs(read?: (path: string) => string): Record<string, string>;
