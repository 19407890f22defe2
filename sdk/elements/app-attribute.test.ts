import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSyncServer, openTab, useFakeTime } from '../test-support/sync-harness.js';
import { defineTacoSyncElements } from './define.js';
import { FakeSyncManager } from './fake-sync-manager.js';
import type { TacoSyncStatusElement } from './sync-status-element.js';

function badge(app: string): TacoSyncStatusElement {
  const element = document.createElement('taco-sync-status');
  element.setAttribute('app', app);
  return element;
}

describe('an element finds the manager of its app attribute', () => {
  let server: FakeSyncServer;
  beforeEach(() => {
    useFakeTime();
    defineTacoSyncElements();
    server = new FakeSyncServer();
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.replaceChildren();
  });

  it('takes a manager created after the element was connected, when it is created', () => {
    const element = badge('created-later');
    document.body.append(element);
    expect(element.manager).toBeNull();
    const tab = openTab({ server, app: 'created-later' });
    expect(element.manager).toBe(tab.sync);
  });

  it("takes the last manager created for its app, and never another app's", () => {
    openTab({ server });
    const latest = openTab({ server });
    const other = openTab({ server, app: 'tempo' });
    const element = badge('tenure');
    document.body.append(element);
    expect(element.manager).toBe(latest.sync);
    expect(element.manager).not.toBe(other.sync);
  });

  it('keeps a manager set as a property over the one of its app attribute', () => {
    openTab({ server });
    const explicit = new FakeSyncManager();
    const element = badge('tenure');
    element.manager = explicit;
    document.body.append(element);
    openTab({ server });
    expect(element.manager).toBe(explicit);
  });

  it('stops waiting for managers once removed from the document', () => {
    const element = badge('after-removal');
    document.body.append(element);
    element.remove();
    openTab({ server, app: 'after-removal' });
    expect(element.manager).toBeNull();
  });
});
