// A searchable list (the /model and /resume pickers, reasoning effort, onboarding's model choice), as pure
// state: typing filters, ↑/↓ move, Enter picks, Esc dismisses.
import type { KeyEvent } from "./keys.ts";

export interface PickerItem<T> {
  label: string;
  value: T;
  /** Shown dim after the label; searched too. */
  detail?: string;
}

export interface PickerState<T> {
  title: string;
  subtitle?: string;
  items: PickerItem<T>[];
  searchable: boolean;
  filter: string;
  index: number;
  /** Shown instead of the list while it is empty (loading, an error). */
  empty?: string;
  footer?: string;
}

export type PickerResult<T> = { kind: "pick"; value: T } | { kind: "cancel" } | undefined;

export function createPicker<T>(
  init: Omit<PickerState<T>, "filter" | "index"> & { index?: number },
): PickerState<T> {
  return { ...init, filter: "", index: init.index ?? 0 };
}

export function visibleItems<T>(p: PickerState<T>): PickerItem<T>[] {
  const q = p.filter.trim().toLowerCase();
  if (!q) return p.items;
  return p.items.filter((i) => `${i.label} ${i.detail ?? ""}`.toLowerCase().includes(q));
}

/** Applies a key: the new state and, on Enter or Esc, the outcome. */
export function pickerKey<T>(p: PickerState<T>, event: KeyEvent): [PickerState<T>, PickerResult<T>] {
  const items = visibleItems(p);
  if (event.kind === "text") {
    if (!p.searchable) return [p, undefined];
    return [{ ...p, filter: p.filter + event.text.replace(/\n/g, ""), index: 0 }, undefined];
  }
  switch (event.name) {
    case "up":
      return [{ ...p, index: items.length ? (p.index - 1 + items.length) % items.length : 0 }, undefined];
    case "down":
    case "tab":
      return [{ ...p, index: items.length ? (p.index + 1) % items.length : 0 }, undefined];
    case "backspace":
      return [{ ...p, filter: p.filter.slice(0, -1), index: 0 }, undefined];
    case "ctrl-u":
      return [{ ...p, filter: "", index: 0 }, undefined];
    case "enter": {
      const item = items[Math.min(p.index, items.length - 1)];
      return [p, item ? { kind: "pick", value: item.value } : undefined];
    }
    case "escape":
    case "ctrl-c":
      return [p, { kind: "cancel" }];
    default:
      return [p, undefined];
  }
}

/** The window of items drawn around the selection (at most `rows`). */
export function pickerWindow<T>(p: PickerState<T>, rows: number): { items: PickerItem<T>[]; offset: number } {
  const items = visibleItems(p);
  const index = Math.min(p.index, Math.max(0, items.length - 1));
  const offset = Math.max(0, Math.min(index - Math.floor(rows / 2), items.length - rows));
  return { items: items.slice(offset, offset + rows), offset };
}
