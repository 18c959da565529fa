// Render Mermaid files with the real `mermaid` package in headless Chromium.
//
//   node render-mermaid.cjs NODE_MODULES CHROMIUM OUT_DIR FILE.mmd...
//
// Loads mermaid.min.js from NODE_MODULES into a blank page, runs
// `mermaid.parse` and `mermaid.render` on each file and writes
// OUT_DIR/<name>.svg. Any parse or render error, any error the page logs and
// any SVG that Mermaid drew as an error diagram make the exit code 1.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

async function main() {
  const [modulesArg, chromium, outDir, ...files] = process.argv.slice(2);
  const nodeModules = modulesArg && path.resolve(modulesArg);
  if (!modulesArg || !chromium || !outDir || files.length === 0) {
    console.error('usage: render-mermaid.cjs NODE_MODULES CHROMIUM OUT_DIR FILE.mmd...');
    return 2;
  }
  const puppeteer = require(path.join(nodeModules, 'puppeteer-core'));
  const mermaidJs = path.join(nodeModules, 'mermaid', 'dist', 'mermaid.min.js');
  if (!fs.existsSync(mermaidJs)) {
    console.error(`missing ${mermaidJs}`);
    return 2;
  }
  // A fresh profile every run: nothing cached from an earlier browser.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'iamchain-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: profile,
    timeout: 60000,
    protocolTimeout: 60000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      `--user-data-dir=${profile}`,
    ],
  });
  let failures = 0;
  try {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto('about:blank');
    await page.addScriptTag({ path: mermaidJs });
    await page.evaluate(() => {
      // eslint-disable-next-line no-undef
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    });
    const { version } = JSON.parse(
      fs.readFileSync(path.join(nodeModules, 'mermaid', 'package.json'), 'utf8'),
    );
    console.log(`mermaid ${version} in ${await browser.version()}`);
    for (const [i, file] of files.entries()) {
      const text = fs.readFileSync(file, 'utf8');
      const name = path.basename(file).replace(/\.mmd$/, '');
      pageErrors.length = 0;
      const result = await page.evaluate(
        async (source, id) => {
          try {
            // eslint-disable-next-line no-undef
            await mermaid.parse(source);
            // eslint-disable-next-line no-undef
            const { svg } = await mermaid.render(id, source);
            return { svg };
          } catch (e) {
            return { error: String((e && e.message) || e) };
          }
        },
        text,
        `graph${i}`,
      );
      const problems = [...pageErrors];
      if (result.error) problems.push(result.error);
      if (result.svg && /Syntax error in text|aria-roledescription="error"/.test(result.svg)) {
        problems.push('mermaid drew an error diagram');
      }
      if (result.svg && !/<svg[\s>]/.test(result.svg)) problems.push('no <svg> in the output');
      if (problems.length > 0) {
        failures += 1;
        console.error(`FAIL ${file}:\n  ${problems.join('\n  ')}`);
        continue;
      }
      const out = path.join(outDir, `${name}.svg`);
      fs.writeFileSync(out, result.svg);
      console.log(`ok   ${file} -> ${out}`);
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e && e.stack ? e.stack : String(e));
    process.exit(1);
  },
);
