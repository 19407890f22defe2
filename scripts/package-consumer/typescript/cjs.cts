// The CommonJS half of a mixed program: these resolve to the package's .d.cts files.
import taco = require('taco-sync');
import elements = require('taco-sync/elements');
import react = require('taco-sync/react');
import presets = require('taco-sync/presets');
import contract = require('taco-sync/contract');

/** A status element as the CommonJS types name it, from the global tag map. */
export function statusFromRequire(manager: taco.SyncManager): elements.TacoSyncStatusElement {
  const element = document.createElement('taco-sync-status');
  element.manager = manager;
  return element;
}

export const fromRequire = {
  createSync: taco.createSync,
  useSyncState: react.useSyncState,
  tempoAdapter: presets.tempoAdapter,
  canonicalJson: contract.canonicalJson,
};
