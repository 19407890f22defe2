import { describe, expect, it } from 'vitest';
import { browserPlatform, type PlatformEvent } from './browser-platform.js';
import { persistStorage } from './storage-durability.js';
import { broadcastTabChannel } from './tab-channel.js';
import { inProcessLock, webLock } from './web-lock.js';

describe('browserPlatform', () => {
  it('forwards hidden, visible, pagehide, blur, focus, online and offline until unsubscribed', () => {
    const seen: PlatformEvent[] = [];
    const stop = browserPlatform().listen((event) => seen.push(event));
    for (const type of ['pagehide', 'blur', 'focus', 'online', 'offline']) window.dispatchEvent(new Event(type));
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    stop();
    window.dispatchEvent(new Event('blur'));
    expect(seen).toEqual(['pagehide', 'blur', 'focus', 'online', 'offline', 'hidden', 'visible']);
  });

  it('reads navigator.onLine', () => {
    expect(browserPlatform().isOnline()).toBe(navigator.onLine);
  });
});

describe('locks', () => {
  const overlapOf = async (lock: ReturnType<typeof inProcessLock>): Promise<number> => {
    let running = 0;
    let most = 0;
    const task = async (): Promise<void> => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 0));
      running--;
    };
    await Promise.all([lock.run('a', task), lock.run('a', task), lock.run('a', task)]);
    return most;
  };

  it('the in-process lock runs one task at a time per name', async () => {
    expect(await overlapOf(inProcessLock())).toBe(1);
  });

  it('the Web Lock runs one task at a time per name and returns its result', async () => {
    expect(await overlapOf(webLock())).toBe(1);
    expect(await webLock().run('b', async () => 42)).toBe(42);
  });

  it('a failing task does not block the next one', async () => {
    const lock = inProcessLock();
    await expect(lock.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run('a', async () => 'next')).toBe('next');
  });
});

describe('broadcastTabChannel', () => {
  it('tells the other tabs, not itself, that the record changed', async () => {
    const tabA = broadcastTabChannel('taco-sync:test');
    const tabB = broadcastTabChannel('taco-sync:test');
    const heard: string[] = [];
    // Each wait ends on the message itself, not after a fixed sleep that a busy machine can outlast.
    const bHeard = new Promise<void>((resolve) => tabB.listen(() => resolve(void heard.push('b'))));
    let aHeard: () => void = () => {};
    tabA.listen(() => {
      heard.push('a');
      aHeard();
    });
    tabA.post();
    await bHeard;
    // A round trip back to A: its own message, had it come back, was queued before this one.
    const answered = new Promise<void>((resolve) => (aHeard = resolve));
    tabB.post();
    await answered;
    tabA.close();
    tabB.close();
    expect(heard).toEqual(['b', 'a']);
  });

  it('still tells the other tabs when it posts with nobody listening (forget after stop)', async () => {
    const stopped = broadcastTabChannel('taco-sync:test-post-only');
    const other = broadcastTabChannel('taco-sync:test-post-only');
    stopped.listen(() => {})(); // started, then stopped: its own channel is closed again
    const heard = new Promise<void>((resolve) => other.listen(resolve));
    stopped.post();
    await heard;
    other.close();
  });

  it('hears again after the last listener left and a new one came (stop, then start)', async () => {
    const tabA = broadcastTabChannel('taco-sync:test-restart');
    const tabB = broadcastTabChannel('taco-sync:test-restart');
    tabB.listen(() => {})();
    const heard = new Promise<void>((resolve) => tabB.listen(resolve));
    tabA.post();
    await heard;
    tabB.close();
  });
});

describe('persistStorage', () => {
  it('answers null where navigator.storage.persist is missing', async () => {
    expect(await persistStorage()).toBeNull();
  });
});
