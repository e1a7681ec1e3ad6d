// An import job's page while it runs: polls the job's progress URL, moves the <progress> bar, and opens the
// job's page again when the job has finished (its preview, its result, or why it failed). Without this
// module the page's refresh link does the same by hand.

const POLL_MS = 1000;
const MAX_WAIT_MS = 10000; // the longest pause between polls after failed requests

function showProgress(section, state) {
  const bar = section.querySelector("progress");
  if (bar && state.total > 0) {
    bar.max = state.total;
    bar.value = Math.min(state.done, state.total);
  } else if (bar) {
    bar.removeAttribute("value"); // indeterminate until the number of rows is known
  }
  const message = section.querySelector(".progress-message");
  if (message && message.textContent !== state.message) {
    message.textContent = state.message;
  }
}

async function poll(section) {
  const progressUrl = section.dataset.progressUrl;
  const jobUrl = section.dataset.jobUrl;
  let wait = POLL_MS;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    let state;
    try {
      const response = await fetch(progressUrl, { headers: { Accept: "application/json" }, cache: "no-store",
                                                  credentials: "same-origin" });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      state = await response.json();
    } catch {
      wait = Math.min(wait * 2, MAX_WAIT_MS); // the network or the server is away: try again, less often
      continue;
    }
    wait = POLL_MS;
    showProgress(section, state);
    if (state.finished) {
      window.location.assign(state.url || jobUrl);
      return;
    }
  }
}

const section = document.querySelector(".import-progress[data-progress-url]");
if (section) {
  poll(section);
}
