// Progressive enhancement only: every page reads and works without this script.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

for (const button of document.querySelectorAll('[data-print]')) {
  button.addEventListener('click', () => window.print())
}
