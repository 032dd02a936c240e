/**
 * Saving something the page holds (log lines, a file read out of a tar) as a file: a blob: URL on a
 * download anchor. The console's CSP (`default-src 'self'`) does not restrict where a download
 * anchor points, so blob: works.
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  // Firefox only follows an anchor that is in the document.
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download has started by then; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
