// Progressive enhancement of the registration form: it works without this file.
// Asks before removing a member, and moves the focus to the first message in error.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
  const arrival = document.getElementById("field-arrival_date");
  const departure = document.getElementById("field-departure_date");
  if (arrival && departure) {
    arrival.addEventListener("change", () => { departure.min = arrival.value; });
  }
});
