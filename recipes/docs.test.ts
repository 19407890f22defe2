import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(join(import.meta.dirname, '../docs/recipes.md'), 'utf8');
/** The code blocks of docs/recipes.md that start with `// recipes/<file>`, by file. */
const shown = [...doc.matchAll(/```ts\n\/\/ recipes\/([\w.-]+)\n([\s\S]*?)\n```/g)].map(([, file, code]) => ({ file: file!, code: code! }));

describe('docs/recipes.md', () => {
  it('shows every recipe', () => {
    expect(shown.map(({ file }) => file).sort()).toEqual(['jotai.ts', 'notifying-storage.ts', 'pinia.ts', 'redux-persist.ts', 'zustand.ts']);
  });

  it.each(shown)('shows recipes/$file exactly as tested', ({ file, code }) => {
    expect(code).toBe(readFileSync(join(import.meta.dirname, file), 'utf8').trimEnd());
  });
});
