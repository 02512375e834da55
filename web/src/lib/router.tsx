/**
 * The app's routing sits on preact-iso (Preact's own router: LocationProvider, Router, Route, lazy).
 * This module only adapts it to the app: paths below /app, the query as URLSearchParams (filters
 * live in the URL so views can be shared), and `navigate`/`setQuery` callable from event handlers.
 * The Worker serves index.html for unknown /app paths (SPA fallback), so deep links work on reload.
 */
import type { ComponentChildren } from "preact";
import { useMemo } from "preact/hooks";
import { LocationProvider, useLocation as useIsoLocation } from "preact-iso";

export const BASE = "/app";

/** preact-iso's own `route` (push or replace, then re-render the routers), kept for event handlers. */
let routeTo: (url: string, replace?: boolean) => void = (url, replace) => {
  if (replace) location.replace(url);
  else location.assign(url);
};

function RouteBridge() {
  routeTo = useIsoLocation().route;
  return null;
}

/** The app's location context: preact-iso's provider, scoped so only links below /app route in-app. */
export function AppLocationProvider({ children }: { children?: ComponentChildren }) {
  return (
    <LocationProvider scope={BASE}>
      <RouteBridge />
      {children}
    </LocationProvider>
  );
}

export function navigate(to: string, options: { replace?: boolean } = {}) {
  const url = to.startsWith("/") ? to : `${BASE}/${to}`;
  if (url === location.pathname + location.search && !options.replace) return;
  routeTo(url, options.replace);
}

export type Location = { path: string; query: URLSearchParams };

/** The current path below /app ("/surveys/abc") and its query. */
export function useLocation(): Location {
  const { url, path } = useIsoLocation();
  return useMemo(() => {
    const below = path.startsWith(BASE) ? path.slice(BASE.length) || "/" : path;
    const search = url.includes("?") ? url.slice(url.indexOf("?")) : "";
    return { path: below, query: new URLSearchParams(search) };
  }, [url, path]);
}

/** Replaces the query string of the current page (filters live in the URL so views can be shared). */
export function setQuery(params: Record<string, string | number | undefined | null>, options: { replace?: boolean } = { replace: true }) {
  const query = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") query.delete(key);
    else query.set(key, String(value));
  }
  const qs = query.toString();
  navigate(`${location.pathname}${qs ? `?${qs}` : ""}`, options);
}

export function href(path: string): string {
  return `${BASE}${path.startsWith("/") ? path : `/${path}`}`;
}

type LinkProps = {
  to: string;
  children?: ComponentChildren;
  class?: string;
  id?: string;
  title?: string;
  "aria-current"?: "page" | undefined;
  "aria-label"?: string;
  onClick?: (event: MouseEvent) => void;
};

/**
 * An ordinary link to a path below /app (open in new tab works); preact-iso's provider turns a plain
 * click on it into in-app navigation.
 */
export function Link({ to, children, ...rest }: LinkProps) {
  return (
    <a {...rest} href={href(to)}>
      {children}
    </a>
  );
}
