// browser.mjs: drives Jupyter Notebook in Debian's chromium, headless, with
// playwright-core.  Started by client_browser.py, which runs the server.
//
// env: SELI_NB_URL (the notebook's URL, token included), SELI_SCREENSHOT (the
// PNG to write), SELI_PROFILE (an empty directory for chromium's profile).
// Prints one JSON line of findings; exits non-zero when a check fails.
// SELI_MODE=screenshot (scripts/screenshot_notebook.py) only runs every cell
// of any notebook and photographs the first figure with what precedes it.
import { chromium } from 'playwright-core';

const url = process.env.SELI_NB_URL;
const shot = process.env.SELI_SCREENSHOT;
const findings = { progress: [], errors: [] };

function check(cond, what) {
  if (!cond) {
    findings.errors.push(what);
  }
}

const browser = await chromium.launchPersistentContext(process.env.SELI_PROFILE, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1100, height: 1000 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  timeout: 60000,
});
let status = 1;
try {
  const page = browser.pages()[0] || await browser.newPage();
  page.setDefaultTimeout(60000);
  page.on('pageerror', (e) => findings.pageErrors = (findings.pageErrors || []).concat(String(e)));
  await page.goto(url, { waitUntil: 'domcontentloaded' });

  // The kernel starts: the indicator names it and goes idle.
  await page.waitForFunction(() => window.Jupyter && Jupyter.notebook &&
    Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected());
  await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon');
  findings.kernel = (await page.textContent('.kernel_indicator_name')).trim();
  check(findings.kernel === 'C (seli)', `kernel indicator says ${findings.kernel}`);

  // Cell > Run All, through the menu as a person would.
  await page.click('#celllink');
  await page.click('#run_all_cells');

  if (process.env.SELI_MODE === 'screenshot') {
    await page.waitForFunction(() => document.querySelectorAll('.cell.running').length === 0 &&
      Jupyter.notebook.get_cells().every((c) => c.cell_type !== 'code' ||
        (c.input_prompt_number !== null && c.input_prompt_number !== '*')),
    null, { timeout: 600000 });
    findings.errorOutputs = await page.locator('.output_error').count();
    const fig = page.locator('#notebook-container .output_area svg').first();
    if (await fig.count()) {
      await fig.evaluate((el) => {
        const site = document.querySelector('#site');
        const cell = el.closest('.cell');
        // The notebook scrolls inside #site, under the fixed header.
        site.scrollTop += cell.getBoundingClientRect().top - site.getBoundingClientRect().top - 8;
      });
    }
    await page.screenshot({ path: shot });
    console.log(JSON.stringify(findings));
    await browser.close();
    process.exit(findings.errorOutputs ? 1 : 0);
  }

  // Watch the progress bar's output area (the third cell) while it runs.
  const deadline = Date.now() + 90000;
  let last = '';
  let outputsInBarCell = 0;
  for (;;) {
    const s = await page.evaluate(() => {
      const cell = document.querySelectorAll('#notebook-container .cell')[2];
      const areas = cell ? cell.querySelectorAll('.output_area') : [];
      return { n: areas.length, text: areas.length ? areas[0].innerText : '' };
    });
    if (s.text && s.text !== last) {
      findings.progress.push(s.text.replace(/\s+/g, ' ').trim());
      last = s.text;
    }
    outputsInBarCell = Math.max(outputsInBarCell, s.n);
    if (s.text.includes('40/40') || Date.now() > deadline) break;
    await page.waitForTimeout(40);
  }
  const updates = findings.progress.filter((t) => t.includes('client steps'));
  check(updates.length >= 3, `the progress bar was seen in ${updates.length} states`);
  check(last.includes('40/40'), 'the progress bar never reached 40/40');
  check(outputsInBarCell === 1, `the bar cell had ${outputsInBarCell} outputs (want 1, updated in place)`);

  // The last cell's result, then the figure.
  await page.waitForFunction(() => {
    const cells = document.querySelectorAll('#notebook-container .cell');
    const out = cells[cells.length - 1].querySelector('.output_result');
    return out && out.innerText.trim() === '42';
  }, null, { timeout: 90000 });
  const svg = page.locator('#notebook-container .output_area svg');
  findings.svgCount = await svg.count();
  check(findings.svgCount >= 1, 'no <svg> in any output area');
  if (findings.svgCount >= 1) {
    const text = await svg.first().textContent();
    check(text.includes('client test figure'), `the <svg> does not hold the figure: ${text.slice(0, 80)}`);
    const box = await svg.first().boundingBox();
    findings.svgBox = box;
    check(box && box.width > 200 && box.height > 100, 'the <svg> is not visibly sized');
  }
  findings.stdout = await page.evaluate(() =>
    document.querySelectorAll('#notebook-container .cell')[1].innerText);
  check(findings.stdout.includes('hello from cell 1'), 'the printf output is missing');
  findings.errorOutputs = await page.locator('.output_error').count();
  check(findings.errorOutputs === 0, 'an error output appeared');
  await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon');

  await svg.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot, fullPage: true });
  status = findings.errors.length ? 1 : 0;
} catch (e) {
  findings.errors.push(String(e && e.stack || e));
} finally {
  await browser.close();
}
console.log(JSON.stringify(findings));
process.exit(status);
