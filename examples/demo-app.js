// The example app shared by tenure.html and tempo.html: a few fields that write the preset's
// localStorage keys, wired to taco-sync exactly as a real app would wire it.
import { createSync } from 'taco-sync';
import { defineTacoSyncElements } from 'taco-sync/elements';

const TOKEN_KEY = 'taco_demo_dev_token';
const params = new URLSearchParams(location.search);

/** The page around the app: header with status, the fields, account, history and events. */
function renderShell(title, app) {
  document.body.innerHTML = `
  <header>
    <h1>${title}</h1>
    <span class="device" id="device-name">This device</span>
    <span id="online" role="status">Online</span>
    <taco-sync-status></taco-sync-status>
  </header>
  <main>
    <section aria-labelledby="data-title">
      <h2 id="data-title">Your data</h2>
      <form id="fields" onsubmit="return false"></form>
    </section>
    <div style="display: grid; gap: 16px; align-content: start">
      <section aria-labelledby="account-title">
        <h2 id="account-title">Account (dev)</h2>
        <div class="row">
          <label>User <input id="user" size="12"></label>
          <select id="plan" aria-label="Subscription">
            <option value="taco_club">taco_club (all apps)</option>
            <option value="sync_${app}">sync_${app}</option>
            <option value="none">no subscription</option>
          </select>
          <button type="button" id="signin">Get a dev token</button>
          <button type="button" id="signout" hidden>Sign out</button>
        </div>
        <p class="note" id="signin-note"></p>
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">History and backups</h2>
        <taco-sync-history></taco-sync-history>
      </section>
      <section aria-labelledby="events-title">
        <h2 id="events-title">Storage events on this page</h2>
        <ul class="plain" id="events"></ul>
      </section>
    </div>
  </main>
  <taco-sync-conflict></taco-sync-conflict>`;
}

/**
 * @param {{ app: string, title: string, adapter: import('taco-sync').StorageAdapter, fields: { key: string, label: string, multiline?: boolean }[], localOnly?: { key: string, label: string } }} config
 */
export async function mountDemo({ app, title, adapter, fields, localOnly }) {
  renderShell(title, app);
  defineTacoSyncElements();
  const $ = (sel) => document.querySelector(sel);
  const device = params.get('device');
  if (device) {
    document.title = `${document.title} · device ${device}`;
    $('#device-name').textContent = `Device ${device}`;
  }

  const sync = createSync({
    app,
    endpoint: location.origin,
    adapter,
    getToken: () => localStorage.getItem(TOKEN_KEY),
    debounceMs: Number(params.get('debounce') ?? 30_000),
    // `?persist=1` asks the browser to keep this origin's storage, as docs/troubleshooting.md advises.
    persistStorage: params.get('persist') === '1',
    // `?live=1` (the two-devices page sets it): `npm run dev` has live updates on, so the other
    // device's edits arrive without pressing Sync now.
    live: params.get('live') === '1',
  });
  const storageEvents = [];
  window.demo = { sync, storageEvents };

  // Fields: each writes one synced key, raw, so a person sees exactly what syncs.
  const form = $('#fields');
  const inputs = new Map();
  for (const field of [...fields, ...(localOnly ? [{ ...localOnly, local: true }] : [])]) {
    const label = document.createElement('label');
    label.className = field.local ? 'field local' : 'field';
    const input = document.createElement(field.multiline ? 'textarea' : 'input');
    input.name = field.key;
    input.value = localStorage.getItem(field.key) ?? '';
    input.addEventListener('input', () => {
      localStorage.setItem(field.key, input.value);
      if (!field.local) sync.notifyChanged();
    });
    label.append(
      Object.assign(document.createElement('span'), { className: 'label', textContent: field.label }),
      input,
      Object.assign(document.createElement('code'), {
        textContent: field.local ? `${field.key} · stays on this device` : field.key,
      }),
    );
    form.append(label);
    inputs.set(field.key, input);
  }
  window.addEventListener('storage', (event) => {
    if (event.storageArea !== localStorage || event.key === null) return;
    storageEvents.push({ key: event.key, newValue: event.newValue });
    const input = inputs.get(event.key);
    if (input && document.activeElement !== input) input.value = event.newValue ?? '';
    const log = $('#events');
    const item = document.createElement('li');
    item.textContent = `${new Date().toLocaleTimeString()} · ${event.key} updated`;
    log.prepend(item);
    while (log.children.length > 6) log.lastElementChild.remove();
  });

  // The page shows localStorage in its inputs: after sync replaces keys, it re-reads them. Registering
  // this listener is the app's word that it does (otherwise the SDK reloads the page after a pull).
  sync.onReplace(({ keys }) => {
    for (const key of keys) {
      const input = inputs.get(key);
      if (input) input.value = localStorage.getItem(key) ?? '';
    }
  });

  $('taco-sync-status').manager = sync;
  $('taco-sync-conflict').manager = sync;
  $('taco-sync-history').manager = sync;

  // Sign-in: in dev the Worker signs tokens for us; production apps pass their own getToken.
  const userInput = $('#user');
  userInput.value = params.get('user') ?? localStorage.getItem(`${TOKEN_KEY}_user`) ?? 'demo-user';
  const signIn = async () => {
    const plan = $('#plan').value;
    const res = await fetch(
      `/__dev/token?sub=${encodeURIComponent(userInput.value)}&subscriptions=${encodeURIComponent(plan)}`,
    );
    if (!res.ok) {
      $('#signin-note').textContent = 'Dev tokens are only served by `npm run dev`.';
      return;
    }
    const { token } = await res.json();
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(`${TOKEN_KEY}_user`, userInput.value);
    renderSignedIn();
    await sync.syncNow();
  };
  const renderSignedIn = () => {
    const signedIn = localStorage.getItem(TOKEN_KEY) !== null;
    $('#signin-note').textContent = signedIn
      ? `Signed in as ${localStorage.getItem(`${TOKEN_KEY}_user`)}`
      : 'Not signed in: changes stay on this device.';
    // One of the two buttons at a time keeps the row on one line in the two-devices layout.
    $('#signin').hidden = signedIn;
    $('#signout').hidden = !signedIn;
  };
  $('#signin').addEventListener('click', signIn);
  $('#signout').addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY);
    renderSignedIn();
    sync.syncNow().catch(() => {});
  });
  renderSignedIn();

  // Online indicator.
  const renderOnline = () => {
    $('#online').textContent = navigator.onLine ? 'Online' : 'Offline';
    $('#online').dataset.online = String(navigator.onLine);
  };
  addEventListener('online', renderOnline);
  addEventListener('offline', renderOnline);
  renderOnline();

  if (params.get('autologin') === '1' && localStorage.getItem(TOKEN_KEY) === null) await signIn();
  await sync.start();
}
