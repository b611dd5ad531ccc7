// Demo page entry (grows into the live detector UI).
const status = document.querySelector<HTMLParagraphElement>('#status');
if (status) status.textContent = 'Ready.';
