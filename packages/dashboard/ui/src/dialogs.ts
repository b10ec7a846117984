import { type Child, h } from "./dom.ts";

/*
 * Modal dialogs on the native <dialog> element: it traps focus, closes on Escape and returns focus
 * to where it was, so every action stays usable by keyboard.
 */

interface DialogParts {
  readonly title: string;
  readonly body: Child[];
  readonly confirmLabel: string;
  readonly danger?: boolean;
  /** Runs on submit; return false (or throw) to keep the dialog open. */
  readonly submit: () => Promise<boolean> | boolean;
  /** Initial enabled state of the confirm button. */
  readonly enabled?: boolean;
  readonly wide?: boolean;
}

/** A dialog's confirm button, to enable or disable from the body's inputs. */
export interface DialogControl {
  setEnabled(enabled: boolean): void;
  setError(message: string | undefined): void;
}

/** Opens a modal dialog; resolves true when it was confirmed and its submit succeeded. */
export function openDialog(build: (control: DialogControl) => DialogParts): Promise<boolean> {
  return new Promise((resolve) => {
    const confirm = h("button", { class: "primary", attrs: { type: "submit" } });
    const error = h("p", { class: "error", attrs: { role: "alert" } });
    error.hidden = true;
    const control: DialogControl = {
      setEnabled: (enabled) => {
        confirm.disabled = !enabled;
      },
      setError: (message) => {
        error.hidden = message === undefined;
        error.textContent = message ?? "";
      },
    };
    const parts = build(control);
    confirm.textContent = parts.confirmLabel;
    if (parts.danger) confirm.classList.add("danger");
    confirm.disabled = parts.enabled === false;
    const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
    const dialog = h("dialog", { class: parts.wide ? "wide" : "", attrs: { "aria-labelledby": titleId } });
    let confirmed = false;
    const cancel = h("button", { attrs: { type: "button" }, on: { click: () => dialog.close() } }, "Cancel");
    const form = h(
      "form",
      {
        on: {
          submit: (event) => {
            event.preventDefault();
            if (confirm.disabled) return;
            confirm.disabled = true;
            Promise.resolve()
              .then(parts.submit)
              .then(
                (ok) => {
                  if (ok) {
                    confirmed = true;
                    dialog.close();
                  } else confirm.disabled = false;
                },
                (e: unknown) => {
                  control.setError(e instanceof Error ? e.message : String(e));
                  confirm.disabled = false;
                },
              );
          },
        },
      },
      h("h2", { attrs: { id: titleId } }, parts.title),
      ...parts.body,
      error,
      h("div", { class: "dialog-actions" }, cancel, confirm),
    );
    dialog.append(form);
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(confirmed);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A labelled text input for a dialog body. */
export function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement,
  hint?: string,
): HTMLElement {
  return h(
    "label",
    { class: "field" },
    h("span", {}, label),
    input,
    hint === undefined ? null : h("small", {}, hint),
  );
}

/** Asks for one line of text; resolves to it, or null when cancelled. */
export async function promptText(options: {
  title: string;
  label: string;
  initial?: string;
  confirmLabel: string;
  submit: (value: string) => Promise<void>;
}): Promise<string | null> {
  const input = h("input", {
    attrs: { type: "text", required: true, autocomplete: "off", spellcheck: "false" },
  });
  input.value = options.initial ?? "";
  let value = "";
  const ok = await openDialog((control) => {
    input.addEventListener("input", () => control.setEnabled(input.value !== ""));
    return {
      title: options.title,
      body: [field(options.label, input)],
      confirmLabel: options.confirmLabel,
      enabled: input.value !== "",
      submit: async () => {
        value = input.value;
        await options.submit(value);
        return true;
      },
    };
  });
  return ok ? value : null;
}

/** Asks to type a store's name to confirm a destructive action. */
export function confirmByName(options: {
  title: string;
  message: string;
  name: string;
  confirmLabel: string;
  submit: (typed: string) => Promise<void>;
}): Promise<boolean> {
  const input = h("input", { attrs: { type: "text", autocomplete: "off", spellcheck: "false" } });
  return openDialog((control) => {
    input.addEventListener("input", () => control.setEnabled(input.value === options.name));
    return {
      title: options.title,
      body: [
        h("p", {}, options.message),
        h("p", {}, "Type the store name ", h("code", {}, options.name), " to confirm."),
        field("Store name", input),
      ],
      confirmLabel: options.confirmLabel,
      danger: true,
      enabled: false,
      submit: async () => {
        await options.submit(input.value);
        return true;
      },
    };
  });
}

/** A plain yes/no confirmation. */
export function confirmAction(options: {
  title: string;
  message: Child[];
  confirmLabel: string;
  submit: () => Promise<void>;
}): Promise<boolean> {
  return openDialog(() => ({
    title: options.title,
    body: [h("p", {}, ...options.message)],
    confirmLabel: options.confirmLabel,
    danger: true,
    submit: async () => {
      await options.submit();
      return true;
    },
  }));
}
