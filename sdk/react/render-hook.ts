import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** What {@link renderHook} hands a test. */
export interface RenderedHook<T> {
  /** The hook's value from the latest render. */
  current: () => T;
  /** How many times the component rendered. */
  renders: () => number;
  unmount: () => void;
}

/** Test support: renders `hook` in a component under happy-dom, with `act`. */
export function renderHook<T>(hook: () => T): RenderedHook<T> {
  let value: T | undefined;
  let count = 0;
  function Probe(): null {
    value = hook();
    count += 1;
    return null;
  }
  const root = createRoot(document.createElement('div'));
  act(() => root.render(createElement(Probe)));
  return {
    current: () => value as T,
    renders: () => count,
    unmount: () => act(() => root.unmount()),
  };
}
