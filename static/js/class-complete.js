// Ticking a learner's "Hoàn thành" box on the class page chooses "only the ticked learners" in the completion form.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.name !== "enrollment_ids" || box.form?.id !== "complete-form") return;
  const some = box.form.querySelector('input[name="who"][value="some"]');
  if (some && box.checked) some.checked = true;
});
