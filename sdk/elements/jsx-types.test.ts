// @vitest-environment node
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const TSCONFIG = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));
const TYPE_CHECK_TIMEOUT_MS = 60_000;

/** The type errors of one .tsx file, compiled with the repo's options and `jsx` settings. */
function typeErrors(fixture: string, jsx: ts.CompilerOptions): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    TSCONFIG,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${TSCONFIG}`);
  const file = fileURLToPath(new URL(fixture, import.meta.url));
  const program = ts.createProgram([file], { ...config.options, ...jsx, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${diagnostic.file.fileName}:${line + 1}: ${message}`;
  });
}

describe('the tags in JSX', () => {
  it(
    'types manager, compact, ref and the events in React',
    () => {
      const errors = typeErrors('../react/jsx-elements.fixture.tsx', {
        jsx: ts.JsxEmit.ReactJSX,
        jsxImportSource: 'react',
      });
      expect(errors).toEqual([]);
    },
    TYPE_CHECK_TIMEOUT_MS,
  );

  it(
    'types prop:manager, compact, ref and the on: events in Solid',
    () => {
      const errors = typeErrors('../solid/jsx-elements.fixture.tsx', {
        jsx: ts.JsxEmit.Preserve,
        jsxImportSource: 'solid-js',
      });
      expect(errors).toEqual([]);
    },
    TYPE_CHECK_TIMEOUT_MS,
  );
});
