import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { withoutNonPublicMembers } from '../public-declarations.mjs';

// What tsup writes for an element class, once per build (.d.ts for import, .d.cts for require).
const ELEMENT_DECLARATIONS = `declare class TacoSyncStatusElement extends HTMLElement {
    #private;
    private readonly badge;
    /** Doc of a protected member. */
    protected render(state: string | null): void;
    private static counter;
    /** Hides the detail sentence. */
    get compact(): boolean;
    set compact(compact: boolean);
    constructor();
}
declare global {
    interface HTMLElementTagNameMap {
        'taco-sync-status': TacoSyncStatusElement;
    }
}
export { TacoSyncStatusElement };
`;

/** The errors of one program made of two copies of `text`, as an .mts and a .cts importer see them. */
function errorsOfBothCopies(text: string): string[] {
  const files = new Map([
    ['/p/copy.d.mts', text],
    ['/p/copy.d.cts', text],
  ]);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => {
    const source = files.get(name);
    return source === undefined ? getSourceFile(name, version) : ts.createSourceFile(name, source, version);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('declarations without non-public members', () => {
  it('drop private, protected, static private and #private members with their doc comments', () => {
    const out = withoutNonPublicMembers(ELEMENT_DECLARATIONS, 'elements.d.ts');
    expect(out).not.toMatch(/private|protected|#|render|badge|counter/);
    expect(out).toContain(
      '/** Hides the detail sentence. */\n    get compact(): boolean;\n    set compact(compact: boolean);\n    constructor();\n}',
    );
    expect(out).toContain("'taco-sync-status': TacoSyncStatusElement;");
  });

  it('leave a file without classes byte for byte as it was', () => {
    const text =
      'declare const TIME_REFRESH_MS = 30000;\ninterface X {\n    private: boolean;\n}\nexport { TIME_REFRESH_MS, type X };\n';
    expect(withoutNonPublicMembers(text, 'x.d.ts')).toBe(text);
  });

  it('let two copies of a class declare the same global tag, which fails with TS2717 as tsup writes them', () => {
    expect(errorsOfBothCopies(ELEMENT_DECLARATIONS)).toEqual([
      expect.stringMatching(/^TS2717: Subsequent property declarations must have the same type/),
    ]);
    expect(errorsOfBothCopies(withoutNonPublicMembers(ELEMENT_DECLARATIONS, 'elements.d.ts'))).toEqual([]);
  }, 60_000);
});
