// 打印/导出PDF (templates/_print_button.html): the button opens the browser's print dialog, where 保存为PDF is one
// of the printers, so the PDF is the same paper as a print; the line only paper shows gets the time of printing.

const pad = (n) => String(n).padStart(2, "0");

function stampTime() {
  const now = new Date();
  const text = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} `
    + `${pad(now.getHours())}:${pad(now.getMinutes())}`;
  for (const time of document.querySelectorAll("time[data-printed-at]")) {
    time.textContent = text;
    time.dateTime = now.toISOString();
  }
}

for (const button of document.querySelectorAll("button[data-print]")) {
  button.addEventListener("click", () => window.print());
}
stampTime();
window.addEventListener("beforeprint", stampTime);
window.matchMedia("print").addEventListener("change", (event) => { if (event.matches) stampTime(); });
