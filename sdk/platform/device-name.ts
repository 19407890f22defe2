import { DEVICE_NAME_MAX_LENGTH } from '../contract/index.js';

const BROWSERS: [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\/|FxiOS/, 'Firefox'],
  [/Chrome\/|CriOS/, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPod/, 'iPhone'],
  [/iPad/, 'iPad'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

const nameIn = (list: [RegExp, string][], ua: string): string | undefined =>
  list.find(([pattern]) => pattern.test(ua))?.[1];

/**
 * A device name for people, from a user agent string: "Chrome on Android", "Safari on iPhone",
 * "Firefox on Linux"; "Browser" for what it does not recognise. At most 64 characters.
 *
 * @example
 * deviceNameFromUserAgent(navigator.userAgent) // 'Chrome on Linux'
 */
export function deviceNameFromUserAgent(ua: string): string {
  const browser = nameIn(BROWSERS, ua) ?? 'Browser';
  const system = nameIn(SYSTEMS, ua);
  return (system ? `${browser} on ${system}` : browser).slice(0, DEVICE_NAME_MAX_LENGTH);
}

/** This browser's default device name (from `navigator.userAgent`). */
export const browserDeviceName = (): string =>
  deviceNameFromUserAgent(typeof navigator === 'undefined' ? '' : navigator.userAgent);
