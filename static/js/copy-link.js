// "Sao chép" next to a new invitation link: copy the link of the input named by data-copy.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy-link");
  if (!button) return;
  const input = document.getElementById(button.dataset.copy);
  input.select();
  const done = () => { button.textContent = "Đã sao chép"; };
  if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, () => document.execCommand("copy") && done());
  else if (document.execCommand("copy")) done();
});
