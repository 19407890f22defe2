const KILO = 1000;

/**
 * A byte count in short English: `1 byte`, `812 bytes`, `3.4 KB`, `52 KB`, `1.2 MB` (decimal units,
 * one decimal below 10).
 *
 * @param bytes - A count of bytes (UTF-8 bytes of data, as the SDK reports sizes).
 *
 * @example
 * formatByteSize(3_420); // '3.4 KB'
 */
export function formatByteSize(bytes: number): string {
  if (bytes < KILO) return bytes === 1 ? '1 byte' : `${Math.max(0, Math.round(bytes))} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / KILO;
  let unit = 0;
  while (value >= KILO && unit < units.length - 1) {
    value /= KILO;
    unit += 1;
  }
  // 9.96 KB rounds to "10.0": show it as 10, not as a decimal above the threshold.
  const shown = value < 9.95 ? value.toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
  return `${shown} ${units[unit]}`;
}
