// The example app shared by tenure.html and tempo.html: a few fields that write the preset's
// localStorage keys, wired to taco-sync exactly as a real app would wire it.
import { createSync } from 'taco-sync';
import { defineTacoSyncElements } from 'taco-sync/elements';

const TOKEN_KEY = 'taco_demo_dev_token';
const params = new URLSearchParams(location.search);

/**
 * @param {{ app: string, adapter: import('taco-sync').StorageAdapter, fields: { key: string, label: string, multiline?: boolean }[], localOnly?: { key: string, label: string } }} config
 */
export async function mountDemo({ app, adapter, fields, localOnly }) {
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
      Object.assign(document.createElement('code'), { textContent: field.local ? `${field.key} · stays on this device` : field.key }),
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

  $('taco-sync-status').manager = sync;
  $('taco-sync-conflict').manager = sync;

  // Sign-in: in dev the Worker signs tokens for us; production apps pass their own getToken.
  const userInput = $('#user');
  userInput.value = params.get('user') ?? localStorage.getItem(`${TOKEN_KEY}_user`) ?? 'demo-user';
  const signIn = async () => {
    const plan = $('#plan').value;
    const res = await fetch(`/__dev/token?sub=${encodeURIComponent(userInput.value)}&subscriptions=${encodeURIComponent(plan)}`);
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
    $('#signin-note').textContent = signedIn ? `Signed in as ${localStorage.getItem(`${TOKEN_KEY}_user`)}` : 'Not signed in: changes stay on this device.';
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

  // History and local backups.
  const renderHistory = async () => {
    const list = $('#versions');
    list.replaceChildren();
    let versions = [];
    try { versions = await sync.listVersions(); } catch (error) { list.textContent = error.message; return; }
    const current = versions.at(-1);
    for (const version of [...versions].reverse()) {
      const item = document.createElement('li');
      item.append(`Version ${version}${version === current ? ' (current)' : ''}`);
      if (version !== current) {
        const button = Object.assign(document.createElement('button'), { type: 'button', textContent: `Restore version ${version}` });
        button.addEventListener('click', async () => { await sync.restore(version); await renderHistory(); });
        item.append(button);
      }
      list.append(item);
    }
    if (versions.length === 0) list.textContent = 'Nothing on the server yet.';
    const backups = $('#backups');
    backups.replaceChildren();
    for (const backup of await sync.listBackups()) {
      const item = document.createElement('li');
      item.append(`${new Date(backup.createdAt).toLocaleString()} · before ${backup.reason} · ${Object.keys(backup.data).length} keys`);
      const button = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Put back' });
      button.addEventListener('click', async () => { await sync.restoreBackup(backup.id); await renderHistory(); });
      item.append(button);
      backups.append(item);
    }
    if (!backups.children.length) backups.textContent = 'No local backups. One is kept whenever server data replaces yours.';
  };
  $('#refresh-history').addEventListener('click', renderHistory);
  sync.subscribe((state) => {
    if (state.status === 'synced') renderHistory();
  });

  if (params.get('autologin') === '1' && localStorage.getItem(TOKEN_KEY) === null) await signIn();
  await sync.start();
  await renderHistory();
}
