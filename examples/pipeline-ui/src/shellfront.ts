// The release the edge rendered this page from: the shell carries it in a JSON data block
// (<script type="application/json" id="shellfront-data">), which a strict CSP allows.
export interface ShellData {
  readonly release: string;
  readonly config: Record<string, unknown>;
}

export function readShellData(doc: Document = document): ShellData {
  const element = doc.getElementById('shellfront-data');
  if (!element?.textContent) return { release: 'dev (not served by shellfront)', config: {} };
  try {
    const data = JSON.parse(element.textContent) as Partial<ShellData>;
    return { release: String(data.release ?? 'unknown'), config: data.config ?? {} };
  } catch {
    return { release: 'unreadable', config: {} };
  }
}

export const edition = __EDITION__;
