/** Types of scripts/public-declarations.mjs, for the tests that import it. */
export function withoutNonPublicMembers(text: string, fileName: string): string;
export function publicDeclarations(dir: string): number;
