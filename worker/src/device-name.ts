/**
 * Control characters (Unicode Cc) and the bidirectional formatting characters (U+061C, U+200E,
 * U+200F, U+202A-U+202E, U+2066-U+2069). In a device name shown to the user's other devices they
 * could reorder the text around them ("Trojan Source", CVE-2021-42574) or break the layout.
 */
const UNSAFE_CHARACTERS = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/**
 * A pushed `deviceName` as the Worker keeps it: without control and bidi characters, trimmed;
 * undefined when nothing is left (the record then has no name, as when none was sent).
 *
 * @example
 * cleanDeviceName('Pixel\u202Egnp.exe') // 'Pixelgnp.exe'
 */
export function cleanDeviceName(name: string | undefined): string | undefined {
  const cleaned = name?.replace(UNSAFE_CHARACTERS, '').trim();
  return cleaned ? cleaned : undefined;
}
