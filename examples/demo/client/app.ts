// The script of every page (no framework, progressive: every form works without it):
// - focus: the first field of a form page gets the focus (unless one has `autofocus`);
// - busy buttons: a form with `data-busy="Generating codes…"` disables its submit button on submit
//   and shows the text with a spinner, for the steps that take a second or two (key derivation);
// - copy buttons: `data-copy="#id"` copies that element's text (or `data-copy-text`) to the clipboard;
// - the lock-out countdown: `[data-retry-at]` counts down to the time the server accepts codes again,
//   and keeps the code form's button disabled until then.

function focusFirstField(): void {
  if (document.querySelector('[autofocus]')) return;
  const field = document.querySelector<HTMLElement>(
    'main form input:not([type=hidden]):not([disabled]), main form textarea:not([disabled]), main form select:not([disabled])',
  );
  field?.focus();
}

function busyForms(): void {
  document.querySelectorAll<HTMLFormElement>('form[data-busy]').forEach((form) => {
    form.addEventListener('submit', (event) => {
      const button = (event as SubmitEvent).submitter ?? form.querySelector('button[type=submit], button:not([type])');
      if (!(button instanceof HTMLButtonElement)) return;
      if (button.getAttribute('aria-busy') === 'true') {
        event.preventDefault();
        return;
      }
      // Disabled after the submit event, so the browser still sends the button's own name/value.
      setTimeout(() => {
        button.disabled = true;
        button.setAttribute('aria-busy', 'true');
        const spinner = document.createElement('span');
        spinner.className = 'spinner';
        spinner.setAttribute('aria-hidden', 'true');
        button.replaceChildren(spinner, document.createTextNode(form.dataset['busy'] ?? 'Working…'));
      }, 0);
    });
  });
}

function copyButtons(): void {
  document.querySelectorAll<HTMLButtonElement>('button[data-copy], button[data-copy-text]').forEach((button) => {
    button.hidden = false;
    const label = button.textContent ?? 'Copy';
    button.addEventListener('click', () => {
      const selector = button.dataset['copy'];
      const source = selector ? document.querySelector<HTMLElement>(selector) : null;
      const text = button.dataset['copyText'] ?? (source?.dataset['text'] ?? source?.innerText ?? '').trim();
      const status = document.getElementById(`${button.id}-status`);
      navigator.clipboard.writeText(text).then(
        () => {
          button.textContent = 'Copied';
          if (status) status.textContent = 'Copied to the clipboard.';
          setTimeout(() => (button.textContent = label), 2000);
        },
        () => {
          if (status) status.textContent = 'The browser refused the clipboard: select the text and copy it by hand.';
        },
      );
    });
  });
}

function countdowns(): void {
  document.querySelectorAll<HTMLElement>('[data-retry-at]').forEach((element) => {
    const until = Number(element.dataset['retryAt']);
    const form = element.closest('.card')?.querySelector('form');
    const button = form?.querySelector<HTMLButtonElement>('button[type=submit]');
    const seconds = element.querySelector('.seconds');
    const tick = () => {
      const left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) {
        element.textContent = 'You can try again now.';
        if (button) button.disabled = false;
        return;
      }
      if (seconds) seconds.textContent = String(left);
      if (button) button.disabled = true;
      setTimeout(tick, 250);
    };
    tick();
  });
}

document.addEventListener('DOMContentLoaded', () => {
  focusFirstField();
  busyForms();
  copyButtons();
  countdowns();
});
