// JavaScript the browser check runs in the JupyterLab page (tools/lab_check).
// Each snippet starts with a line "// @snippet NAME" and is one function
// expression for Playwright's page.evaluate.

// @snippet read_state
// Reads the state of the open notebook from the page: per cell, the prompt the
// student sees ("[3]:", "[*]:", "[ ]:"), error outputs in the model and any
// traceback rendered on stderr, what it printed, and whether it waits for input().
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session?.kernel;
  const cells = panel.content.widgets.map((cell) => {
    const node = cell.node;
    const prompt = node.querySelector('.jp-InputPrompt');
    const errors = [];
    const stdout = [];
    if (cell.model.type === 'code') {
      for (const out of cell.model.outputs.toJSON()) {
        if (out.output_type === 'error') {
          errors.push(`${out.ename}: ${out.evalue}`);
        } else if (out.output_type === 'stream' && out.name === 'stdout') {
          stdout.push([].concat(out.text).join(''));
        }
      }
      const sel = '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]';
      for (const el of node.querySelectorAll(sel)) {
        const text = el.textContent || '';
        if (errors.length === 0 && text.includes('Traceback')) {
          errors.push(text.trim().split('\n').slice(-1)[0]);
        }
      }
    }
    return {
      type: cell.model.type,
      prompt: prompt ? prompt.textContent.trim() : '',
      errors: errors,
      stdout: stdout.join(''),
      stdin: node.querySelector('.jp-Stdin') !== null,
      source: cell.model.sharedModel.getSource().slice(0, 200),
    };
  });
  const dialog = document.querySelector('.jp-Dialog');
  return {
    kernel: kernel ? kernel.status : 'no kernel',
    done: window.__labCheckRunAll ?? null,
    dialog: dialog ? dialog.innerText.trim().slice(0, 300) : null,
    cells: cells,
  };
}

// @snippet app_ready
() => !!(window.jupyterapp && window.jupyterapp.shell)

// @snippet open
// Open a notebook in a main area of its own (the Launcher tab closed).
async (name) => {
  const app = window.jupyterapp;
  await app.restored;
  for (const widget of Array.from(app.shell.widgets('main'))) widget.dispose();
  app.commands.execute('docmanager:open', {path: name});
}

// @snippet notebook_ready
// True once the notebook is open with an idle kernel, or when a dialog (such as
// "Select Kernel") stands in the way.
(name) => {
  if (document.querySelector('.jp-Dialog')) return true;
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.context || !panel.sessionContext) return false;
  if (panel.context.path !== name || !panel.context.isReady) return false;
  const kernel = panel.sessionContext.session?.kernel;
  return !!kernel && kernel.status === 'idle' && !!panel.content;
}

// @snippet run_all
() => {
  window.__labCheckRunAll = null;
  window.jupyterapp.commands.execute('notebook:run-all-cells').then(
    () => { window.__labCheckRunAll = 'done'; },
    (err) => { window.__labCheckRunAll = 'failed: ' + err; },
  );
}

// @snippet close
// Shut the kernel down and close the notebook without a "save changes?" dialog.
async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (panel && panel.sessionContext) {
    await panel.sessionContext.shutdown();
    panel.dispose();
  }
}

// @snippet kernel_prefix
// Ask the notebook's kernel, outside any cell, which Python environment it runs.
async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  const future = panel.sessionContext.session.kernel.requestExecute({
    code: 'import sys; print(sys.prefix, end="")',
    store_history: false,
  });
  let out = '';
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
  };
  await future.done;
  return out;
}
