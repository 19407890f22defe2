#!/usr/bin/env node
// API documentation that cannot drift. For each subpath of the package (package.json `exports`,
// built by tsup from the entry files below) this resolves every export with the TypeScript
// compiler, following re-exports, and fails when:
//   1. an exported declaration, or a public member of an exported interface or class, has no TSDoc
//      comment (constructors and custom-element lifecycle callbacks excepted);
//   2. an export is not documented in docs/api.md in its subpath's section;
//   3. docs/api.md documents a name its subpath no longer exports.
//
// How docs/api.md documents an export. A section starts at a level-2 heading naming the subpath in
// backticks (## `taco-sync/presets`) and runs to the next level-2 heading. Inside it, an export is
// documented by either
//   - a level-3 heading that starts with a code span starting with the name: ### `createSync(options)`
//     (other level-3 headings, such as ### Errors, only group what follows), or
//   - a row of a table whose header's first cell is `Export`, with the name first in its first cell.
// Those are the only places read as "documents this name", so option tables, method headings
// (level 4) and prose can mention anything. Exit 0 prints the count; exit 1 lists every problem.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ENTRIES } from './package-entries.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const DOCS = 'docs/api.md';

const problems = [];

// Every subpath the package exports must be checked here, and nothing else.
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const exported = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
for (const subpath of exported)
  if (!(subpath in ENTRIES))
    problems.push(`package.json exports ${subpath}, which this script does not check: add it to ENTRIES`);
for (const subpath of Object.keys(ENTRIES))
  if (!exported.includes(subpath)) problems.push(`${subpath} is in ENTRIES but not in package.json exports`);

// --- The exports, from the compiler ---------------------------------------------------------------
const configPath = `${root}tsconfig.json`;
const config = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
);
const program = ts.createProgram(
  Object.values(ENTRIES).map((file) => `${root}${file}`),
  config.options,
);
const checker = program.getTypeChecker();

/** Whether a declaration carries a TSDoc comment with some text (for a variable, on its statement). */
function hasTsDoc(declaration) {
  return ts.getJSDocCommentsAndTags(declaration).some((doc) => {
    if (!ts.isJSDoc(doc)) return false;
    const text = typeof doc.comment === 'string' ? doc.comment : (doc.comment ?? []).map((part) => part.text).join('');
    return text.trim().length > 0;
  });
}

/** Custom-element callbacks the platform defines; their meaning is the DOM's, not ours. */
const LIFECYCLE_CALLBACKS = new Set([
  'connectedCallback',
  'disconnectedCallback',
  'adoptedCallback',
  'attributeChangedCallback',
]);

/**
 * The members of an exported interface or class a user can reach: everything but private and
 * protected members, constructors and lifecycle callbacks. A setter counts once, with its getter.
 */
function publicMembers(declaration) {
  if (!ts.isInterfaceDeclaration(declaration) && !ts.isClassDeclaration(declaration)) return [];
  return declaration.members.filter((member) => {
    if (!member.name || ts.isConstructorDeclaration(member) || ts.isSetAccessorDeclaration(member)) return false;
    if (ts.isPrivateIdentifier(member.name) || LIFECYCLE_CALLBACKS.has(member.name.getText())) return false;
    return !(ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));
  });
}

const where = (declaration) => {
  const file = declaration.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(declaration.getStart());
  return `${file.fileName.slice(root.length)}:${line + 1}`;
};

/** Subpath -> export names, sorted. */
const exportsBySubpath = new Map();
/** Declarations already reported: one reached through two subpaths is reported once. */
const reported = new Set();
const missingTsDoc = (declaration, what) => {
  if (reported.has(declaration) || hasTsDoc(declaration)) return;
  reported.add(declaration);
  problems.push(`${where(declaration)}: ${what} has no TSDoc comment`);
};
let exportCount = 0;
for (const [subpath, file] of Object.entries(ENTRIES)) {
  const source = program.getSourceFile(`${root}${file}`);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) {
    problems.push(`${file}: not found or not a module`);
    continue;
  }
  const names = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const name = symbol.getName();
    names.push(name);
    exportCount++;
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declarations = target.getDeclarations() ?? [];
    if (declarations.length === 0) problems.push(`${subpath}: export ${name} has no declaration`);
    else if (!declarations.some(hasTsDoc)) missingTsDoc(declarations[0], `export ${name} (${subpath})`);
    for (const member of declarations.flatMap(publicMembers))
      missingTsDoc(member, `${name}.${member.name.getText()} (${subpath})`);
  }
  exportsBySubpath.set(subpath, names.sort());
}

// --- What docs/api.md documents -------------------------------------------------------------------
if (!existsSync(`${root}${DOCS}`)) problems.push(`${DOCS} is missing`);
const docsText = existsSync(`${root}${DOCS}`) ? readFileSync(`${root}${DOCS}`, 'utf8') : '';
/** Subpath -> Map(name -> line number) of the places that document a name. */
const documented = new Map();
const leadingName = (text) => /^\s*`([A-Za-z_$][\w$]*)/.exec(text)?.[1];
const cells = (line) =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());

let section = null;
let exportTable = false;
let inFence = false;
docsText.split('\n').forEach((line, index) => {
  const lineNo = index + 1;
  if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
  if (inFence) return;
  const h2 = /^##\s+(.*)$/.exec(line);
  if (h2) {
    const subpath = /`(taco-sync(?:\/[\w-]+)?)`/.exec(h2[1])?.[1] ?? null;
    section = subpath;
    if (subpath && !documented.has(subpath)) documented.set(subpath, new Map());
    if (subpath && !(subpath in ENTRIES))
      problems.push(`${DOCS}:${lineNo}: section for ${subpath}, which the package does not export`);
    return;
  }
  if (!section) return;
  const names = documented.get(section);
  const note = (name) => {
    if (name && !names.has(name)) names.set(name, lineNo);
  };
  const h3 = /^###\s+(.*)$/.exec(line);
  if (h3) {
    exportTable = false;
    note(leadingName(h3[1]));
    return;
  }
  if (/^\s*\|/.test(line)) {
    const first = cells(line)[0];
    if (/^\s*\|?\s*:?-{3,}/.test(line)) return;
    if (first === 'Export') exportTable = true;
    else if (exportTable) note(leadingName(first));
    return;
  }
  exportTable = false;
});

for (const subpath of Object.keys(ENTRIES)) {
  const names = exportsBySubpath.get(subpath) ?? [];
  const docs = documented.get(subpath);
  if (!docs) {
    problems.push(`${DOCS}: no section for ${subpath} (a level-2 heading: ## \`${subpath}\`)`);
    continue;
  }
  for (const name of names)
    if (!docs.has(name)) problems.push(`${DOCS}: ${subpath} exports ${name}, which its section does not document`);
  for (const [name, lineNo] of docs)
    if (!names.includes(name)) problems.push(`${DOCS}:${lineNo}: documents ${name}, which ${subpath} does not export`);
}

if (problems.length > 0) {
  console.error(`check-api-docs: ${problems.length} problem(s)`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(
  `check-api-docs: ok, ${exportCount} exports across ${Object.keys(ENTRIES).length} subpaths have TSDoc and are documented in ${DOCS}`,
);
