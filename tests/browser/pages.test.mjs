// Browser tests of `waymark serve` (issue 12): Debian's chromium driven by playwright-core against a
// real server on a loopback port, over a database filled from examples/caseload. Each persona does
// their main task end to end; out-of-scope pupils never appear; axe-core checks every page (no serious
// or critical violation of WCAG 2.2 A/AA); screenshots of the main pages are saved as artefacts.
//
//   node tests/browser/pages.test.mjs --waymark build/waymark --out build/screenshots
//
// Exit code 0 when every check passed; 1 with each failure listed otherwise.

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []))
const waymark = resolve(args.waymark ?? join(root, 'build/waymark'))
const shots = resolve(args.out ?? join(root, 'build/screenshots'))
const browserPath = process.env.WAYMARK_CHROMIUM ?? '/usr/bin/chromium'
const axeSource = readFileSync(join(here, 'node_modules/axe-core/axe.min.js'), 'utf8')

const failures = []
let checks = 0
function check (ok, what) {
  checks++
  if (!ok) {
    failures.push(what)
    console.log(`FAIL ${what}`)
  }
}

if (!existsSync(browserPath)) {
  console.error(`no browser at ${browserPath}: run scripts/setup (it installs Debian's chromium)`)
  process.exit(1)
}

// ---- a database of the example caseload, two runs, and one user per role ----
const work = mkdtempSync(join(tmpdir(), 'waymark-browser-'))
const db = join(work, 'la.db')
const password = 'correct horse battery staple'
function waymarkRun (argv, input) {
  const r = spawnSync(waymark, argv, { input, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`waymark ${argv.join(' ')} failed (${r.status}): ${r.stderr}`)
  return r.stdout
}
waymarkRun(['import', '--db', db, '--pack', 'england', join(root, 'examples/caseload')])
waymarkRun(['run', '--db', db, '--pack', 'england', '--as-of', '2025-11-03'])
waymarkRun(['run', '--db', db, '--pack', 'england', '--as-of', '2025-11-17'])
waymarkRun(['user', 'add', '--db', db, 'ms.senco', '--role', 'senco', '--school', 'Oakfield Academy'], password + '\n')
waymarkRun(['user', 'add', '--db', db, 'la.officer', '--role', 'la_officer'], password + '\n')
waymarkRun(['user', 'add', '--db', db, 'the.auditor', '--role', 'auditor'], password + '\n')

// Which pupils are at which school, read from the case files themselves.
const schools = {}
for (const file of readdirSync(join(root, 'examples/caseload'))) {
  const text = readFileSync(join(root, 'examples/caseload', file), 'utf8')
  const id = /\n {2}id: (\S+)/.exec(text)?.[1]
  const school = /\n {2}school: (.+)/.exec(text)?.[1]
  if (id && school) schools[id] = school.trim()
}
const brook = Object.keys(schools).filter(id => schools[id] === 'Brook Primary School')
check(brook.length > 0, 'the example caseload has pupils at Brook Primary School')

// ---- the server, on a free loopback port ----
const server = spawn(waymark, ['serve', '--db', db, '--pack', 'england', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] })
let serverLog = ''
server.stderr.on('data', d => { serverLog += d })
const base = await new Promise((resolveUrl, reject) => {
  let out = ''
  const timer = setTimeout(() => reject(new Error(`the server printed no URL in 20 s: ${out} ${serverLog}`)), 20000)
  server.stdout.on('data', d => {
    out += d
    const url = /(https?:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
    if (url) { clearTimeout(timer); resolveUrl(url) }
  })
  server.on('exit', code => reject(new Error(`the server stopped (${code}): ${serverLog}`)))
})

mkdirSync(shots, { recursive: true })
const browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox'] })

async function axe (page, name) {
  await page.addScriptTag({ content: axeSource })
  const result = await page.evaluate(async () => await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }
  }))
  const bad = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
  for (const v of bad) console.log(`axe ${name}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join('; ')})`)
  check(bad.length === 0, `axe-core finds no serious or critical violation on ${name}`)
}

async function shoot (page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
}

async function signIn (name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })
  const page = await context.newPage()
  await page.goto(`${base}/`)
  check(page.url().endsWith('/login'), `${name}: an anonymous visit goes to the sign-in page`)
  await axe(page, 'sign-in')
  await page.getByLabel('Name').fill(name)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForLoadState('load')
  return { context, page }
}

async function noBrookPupil (page, where) {
  const text = await page.content()
  const seen = brook.filter(id => new RegExp(`\\b${id}\\b`).test(text))
  check(seen.length === 0, `SENCO at Oakfield: no Brook pupil on ${where} (saw ${seen.join(', ')})`)
}

try {
  // ---- a wrong password gets the same page with an error ----
  {
    const context = await browser.newContext({ bypassCSP: true })
    const page = await context.newPage()
    await page.goto(`${base}/login`)
    await page.getByLabel('Name').fill('ms.senco')
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    check(await page.getByText('Wrong name or password').count() > 0, 'a wrong password says so on the sign-in page')
    await shoot(page, 'sign-in-error')
    await context.close()
  }

  // ---- SENCO: caseload, pupil page, acknowledge a flag, see it in the history ----
  {
    const { context, page } = await signIn('ms.senco')
    check(await page.getByRole('heading', { level: 1, name: /Caseload/ }).count() === 1, 'SENCO lands on their caseload')
    await shoot(page, 'senco-caseload')
    await axe(page, 'SENCO caseload')
    await noBrookPupil(page, 'the caseload')
    // Filters work without JavaScript too (GET form): attendance flags only.
    await page.getByLabel('Category of flag').selectOption('attendance')
    await page.getByRole('button', { name: 'Apply filters' }).click()
    check(page.url().includes('category=attendance'), 'the category filter is in the address')
    await noBrookPupil(page, 'the filtered caseload')
    // Out of scope answers as if it did not exist, for pages and for the API.
    for (const id of brook.slice(0, 3)) {
      const response = await page.goto(`${base}/pupils/${id}`)
      check(response.status() === 404, `SENCO at Oakfield: /pupils/${id} answers 404`)
      await noBrookPupil(page, `/pupils/${id}`)
      const api = await page.goto(`${base}/api/pupils/${id}`)
      check(api.status() === 404, `SENCO at Oakfield: /api/pupils/${id} answers 404`)
    }
    const apiList = await (await page.goto(`${base}/api/pupils`)).text()
    check(!brook.some(id => apiList.includes(`"${id}"`)), 'SENCO at Oakfield: /api/pupils lists no Brook pupil')

    await page.goto(`${base}/`)
    const first = page.locator('table.wm-caseload tbody tr').first().getByRole('link')
    const pupilId = (await first.textContent()).trim()
    await first.click()
    await page.waitForLoadState('load')
    check(await page.getByRole('heading', { level: 1 }).textContent().then(t => t.includes(pupilId)), `the pupil page of ${pupilId} opens`)
    check(await page.locator('svg.timeline').count() === 1, 'the pupil page has the timeline')
    check(await page.getByText('Who to tell').count() > 0, 'the pupil page says who to tell')
    await shoot(page, 'senco-pupil')
    await axe(page, 'SENCO pupil page')
    await page.emulateMedia({ media: 'print' })
    await shoot(page, 'senco-pupil-print')
    await page.pdf({ path: join(shots, 'senco-pupil-meeting-pack.pdf'), format: 'A4', printBackground: false })
    await page.emulateMedia({ media: 'screen' })

    const note = `Rang the LA inclusion team ${Date.now()}`
    const form = page.locator('form.wm-ack').first()
    await form.getByRole('textbox').fill(note)
    await form.getByRole('button').click()
    await page.waitForLoadState('load')
    check(await page.getByText('Acknowledgement recorded').count() > 0, 'acknowledging shows a confirmation')
    const history = await page.locator('#history ~ ul.wm-history').allTextContents()
    check(history.join(' ').includes(note), 'the acknowledgement appears in the pupil\'s history')
    await shoot(page, 'senco-pupil-acknowledged')
    // The trace is one click away.
    await page.getByRole('link', { name: /Full trace of flag 1/ }).click()
    await page.waitForLoadState('load')
    check(await page.locator('pre.wm-trace').count() === 1, 'the SENCO can open the trace of their pupil\'s flag')
    await context.close()

    // Without JavaScript the pages still read.
    const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 }, bypassCSP: true })
    const p2 = await nojs.newPage()
    await p2.goto(`${base}/login`)
    await p2.getByLabel('Name').fill('ms.senco')
    await p2.getByLabel('Password').fill(password)
    await p2.getByRole('button', { name: 'Sign in' }).click()
    await p2.waitForLoadState('load')
    await p2.goto(`${base}/pupils/${pupilId}`)
    check(await p2.locator('.wm-flag').count() > 0, 'without JavaScript the pupil page shows its flags')
    check(await p2.getByRole('button', { name: 'Print a meeting pack' }).isVisible() === false, 'without JavaScript the print button is hidden')
    await shoot(p2, 'senco-pupil-no-javascript')
    await nojs.close()
  }

  // ---- LA officer: cohort, a count's pupils, rules, impact preview of a threshold change ----
  {
    const { context, page } = await signIn('la.officer')
    check(await page.getByRole('heading', { level: 1, name: 'Cohort across schools' }).count() === 1, 'the LA officer lands on the cohort view')
    await shoot(page, 'la-cohort')
    await axe(page, 'cohort')
    await page.getByRole('link', { name: /pupils: Looked after/ }).first().click()
    await page.waitForLoadState('load')
    check(page.url().includes('group=looked_after'), 'a count links to its pupils')
    await shoot(page, 'la-pupils-looked-after')
    await axe(page, 'pupils of a group')
    await page.goto(`${base}/packs`)
    check(await page.getByText('persistent_absence_threshold').count() > 0, 'the rules page lists the parameters')
    await shoot(page, 'la-rules')
    await axe(page, 'rules')
    await page.goto(`${base}/impact`)
    await page.getByLabel('Parameter').selectOption('england.persistent_absence_threshold')
    await page.getByLabel('New value').fill('5%')
    await page.getByRole('button', { name: 'Preview the impact' }).click()
    await page.waitForLoadState('load')
    const preview = await page.locator('main').textContent()
    check(/Newly flagged: \d+/.test(preview), 'lowering the threshold to 5% newly flags pupils')
    check(preview.includes('absence'), 'the preview shows the deciding values')
    await shoot(page, 'la-impact-preview')
    await axe(page, 'impact preview')
    await page.getByLabel('New value').fill('lots')
    await page.getByRole('button', { name: 'Preview the impact' }).click()
    await page.waitForLoadState('load')
    check(await page.locator('.govuk-error-summary').count() === 1, 'a value that is not a percent gets an error summary')
    await axe(page, 'impact preview with an error')
    await page.goto(`${base}/runs`)
    await shoot(page, 'la-runs')
    await axe(page, 'runs (LA officer)')
    await context.close()
  }

  // ---- Auditor: runs, the audit trail, a flag's full trace with the rule's source ----
  {
    const { context, page } = await signIn('the.auditor')
    check(await page.getByRole('heading', { level: 1, name: 'Stored runs' }).count() === 1, 'the auditor lands on the runs')
    check(await page.getByRole('button', { name: 'Start a new run' }).count() === 0, 'the auditor cannot start a run')
    await axe(page, 'runs (auditor)')
    await page.goto(`${base}/audit`)
    check(await page.getByText('The chain is intact').count() === 1, 'the audit page says the chain is intact')
    await shoot(page, 'auditor-audit')
    await axe(page, 'audit trail')
    await page.locator('table a[href^="/flags/"]').first().click()
    await page.waitForLoadState('load')
    const trace = await page.locator('pre.wm-trace').textContent()
    check(/^rule \S+ \(/.test(trace), 'the trace names the rule and where it is written')
    check(await page.locator('pre.wm-source').count() === 1, 'the trace page shows the rule\'s source text')
    check(await page.locator('form').filter({ hasNot: page.locator('button:text("Sign out")') }).count() === 0, 'the auditor\'s trace has no form that writes')
    await shoot(page, 'auditor-trace')
    await axe(page, 'flag trace')
    await context.close()
  }
} catch (error) {
  failures.push(`error: ${error.stack ?? error}`)
  console.log(error)
} finally {
  await browser.close()
  server.kill('SIGTERM')
  rmSync(work, { recursive: true, force: true })
}

console.log(`${checks} checks, ${failures.length} failed; screenshots in ${shots}`)
if (failures.length > 0) {
  for (const f of failures) console.log(`  - ${f}`)
  process.exit(1)
}
