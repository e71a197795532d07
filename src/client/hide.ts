/**
 * Calls `flush` when the page is hidden or left: after that the browser may freeze or end it at any moment,
 * so writes the worker still holds should be committed now. Returns a function that stops listening.
 */
export function flushOnHide(flush: () => void): () => void {
  if (typeof document === 'undefined' || typeof addEventListener !== 'function') return () => {};
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') flush();
  };
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    removeEventListener('pagehide', flush);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
