/**
 * Asks the browser to keep this origin's storage (`navigator.storage.persist()`), so it is not
 * evicted under pressure or, in Safari, after 7 days without interaction.
 *
 * @returns whether storage is persisted, or null where the API is missing.
 */
export async function persistStorage(): Promise<boolean | null> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage?.persist) return null;
  try {
    return (await storage.persisted?.()) || (await storage.persist());
  } catch {
    return false;
  }
}
