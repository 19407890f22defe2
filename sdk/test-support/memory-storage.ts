/**
 * A `Storage` kept in a Map, so tests get a fresh store (or two tabs one shared store) without
 * touching the environment's localStorage.
 */
export class MemoryStorage implements Storage {
  readonly items = new Map<string, string>();
  [name: string]: unknown;

  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
  /** The contents as plain entries, for exact comparisons. */
  dump(): [string, string][] {
    return [...this.items.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/**
 * A {@link MemoryStorage} that fills up: after `writesLeft` more writes its capacity freezes at the
 * largest size it has held (UTF-16 units of keys and values), and any `setItem` that would grow it
 * past that throws a QuotaExceededError DOMException, as a full browser store does.
 */
export class QuotaStorage extends MemoryStorage {
  private capacity = Infinity;
  private largest = 0;
  constructor(public writesLeft: number) {
    super();
  }
  private sizeWith(key: string, value: string): number {
    let size = 0;
    for (const [k, v] of this.items) if (k !== key) size += k.length + v.length;
    return size + key.length + value.length;
  }
  override setItem(key: string, value: string): void {
    const size = this.sizeWith(key, value);
    if (this.writesLeft <= 0 && this.capacity === Infinity) this.capacity = this.largest;
    if (size > this.capacity) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.writesLeft--;
    this.largest = Math.max(this.largest, size);
    super.setItem(key, value);
  }
}
