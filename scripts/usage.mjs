// `--help` for the scripts a user runs with `npm run NAME -- --help`: print what the script does
// and how to call it, exit 0, and do nothing else.

/**
 * Exits after printing `usage` when the arguments ask for help (`--help` or `-h`).
 * @param {string} usage the text to print (starts with "usage:")
 * @param {string[]} [args] the arguments; the process's own by default
 */
export function answerHelp(usage, args = process.argv.slice(2)) {
  if (!args.includes('--help') && !args.includes('-h')) return;
  console.log(usage.trim());
  process.exit(0);
}
