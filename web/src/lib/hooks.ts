import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export type AsyncState<T> = { data: T | undefined; error: unknown; loading: boolean; reload: () => void };

/** Loads data when `deps` change; aborts the previous request; keeps the last data while reloading. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    loadRef.current(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, error: undefined, loading: false }),
      (error) => !controller.signal.aborted && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/** Document title and focus on the page heading after navigation (screen readers announce it). */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Feedloop`;
  }, [title]);
}
